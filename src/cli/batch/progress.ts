/**
 * The progress line of `otp batch` on stderr: a bar with the share of the input read when its size is
 * known, the records done, the rate and the time left. Redrawn at most ten times a second.
 */

const REDRAW_MS = 100
const BAR_WIDTH = 24

export class Progress {
  private readonly started = Date.now()
  private lastDraw = 0
  private drawn = false

  /** `totalBytes` is the input's size, or undefined for a stream of unknown length. */
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly totalBytes: number | undefined,
    /** What is counted: 'records' for otp batch, 'tokens' for otp import. */
    private readonly unit = 'records',
  ) {}

  /** Shows `doneBytes` of the input and `records` answered so far. */
  update(doneBytes: number, records: number, force = false): void {
    const now = Date.now()
    if (!force && now - this.lastDraw < REDRAW_MS) return
    this.lastDraw = now
    const seconds = Math.max((now - this.started) / 1000, 1e-3)
    const rate = records / seconds
    let line = `${records.toLocaleString('en-US')} ${this.unit}  ${Math.round(rate).toLocaleString('en-US')}/s`
    if (this.totalBytes !== undefined && this.totalBytes > 0) {
      const share = Math.min(doneBytes / this.totalBytes, 1)
      const filled = Math.round(share * BAR_WIDTH)
      const bytesPerSecond = doneBytes / seconds
      const eta = bytesPerSecond > 0 ? (this.totalBytes - doneBytes) / bytesPerSecond : Infinity
      line = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${(share * 100).toFixed(1).padStart(5)}%  ${line}  ETA ${clock(eta)}`
    }
    this.stream.write(`\r${line}\x1b[K`)
    this.drawn = true
  }

  /** Draws the final figures and ends the line. */
  finish(doneBytes: number, records: number): void {
    this.update(doneBytes, records, true)
    if (this.drawn) this.stream.write('\n')
  }
}

/** Seconds as h:mm:ss or m:ss. */
function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--'
  const s = Math.round(seconds)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`
}

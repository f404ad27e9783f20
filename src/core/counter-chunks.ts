/**
 * Long scans go in pieces: V8 tiers a WASM function up between calls, not during one, and workers
 * and the calling thread check for cancellation between pieces.
 */
import { OtpError } from './errors.js'

/** One piece of a scan: `n` counters from (hi, lo), `offset` counters after the scan's start. */
export interface CounterChunk {
  readonly offset: number
  readonly hi: number
  readonly lo: number
  readonly n: number
}

/** Cuts `count` counters from (hi, lo) into pieces of at most `size`, carrying the low half into the high one. */
export function* counterChunks(hi: number, lo: number, count: number, size: number): Generator<CounterChunk> {
  hi >>>= 0
  lo >>>= 0
  if (!(size >= 1)) throw new OtpError('INTERNAL', `counter chunks of ${size} counters make no progress`)
  for (let offset = 0; offset < count; ) {
    const n = Math.min(size, count - offset)
    yield { offset, hi, lo, n }
    offset += n
    lo += n
    if (lo >= 0x1_0000_0000) {
      lo -= 0x1_0000_0000
      hi = (hi + 1) >>> 0
    }
  }
}

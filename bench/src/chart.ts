/**
 * The SVG bar chart of a run, as hand-built markup: one group per workload, one bar per engine,
 * drawn from the node:crypto line (1×) to the engine's ratio, on a log scale when the ratios span
 * more than a factor of 20. The openssl reference of each workload (one core's SHA rate) is a dashed mark.
 */
import { engineLabel, formatMargin, formatRate, formatRatio } from './format.js'
import type { BenchReport, ResultRow, WorkloadResult } from './report.js'

const WIDTH = 960
const LABEL_RIGHT = 300
const PLOT_LEFT = 312
const PLOT_RIGHT = 860
const VALUE_X = 868
const TOP = 96
const HEADER_HEIGHT = 22
const ROW_HEIGHT = 17
const BAR_HEIGHT = 11
const GROUP_GAP = 12
const FOOTER_HEIGHT = 64

const COLORS = {
  otpWasm: '#1f6feb',
  otpWasmOther: '#79a7f0',
  baseline: '#3d444d',
  baselineThreads: '#6e7781',
  peer: '#b6bec8',
  ceiling: '#cf222e',
  grid: '#d8dee4',
  text: '#1f2328',
  muted: '#59636e',
}

/** Escapes text for SVG content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
}

/** Maps a ratio to an x coordinate. */
export interface Scale {
  readonly log: boolean
  readonly min: number
  readonly max: number
  x(ratio: number): number
  readonly ticks: readonly number[]
}

/** Chooses the scale: log when the values span more than 20×, linear from 0 otherwise. */
export function chooseScale(values: readonly number[]): Scale {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v))
  const low = Math.min(1, ...positive)
  const high = Math.max(1, ...positive)
  if (high / low > 20) {
    const min = 10 ** Math.floor(Math.log10(low))
    const max = 10 ** Math.ceil(Math.log10(high))
    const span = Math.log10(max) - Math.log10(min)
    const ticks: number[] = []
    for (let exponent = Math.log10(min); exponent <= Math.log10(max) + 1e-9; exponent++) {
      const decade = 10 ** exponent
      ticks.push(decade)
      if (span <= 3 && exponent < Math.log10(max) - 1e-9) ticks.push(2 * decade, 5 * decade)
    }
    const x = (ratio: number): number =>
      PLOT_LEFT + ((Math.log10(Math.max(ratio, min)) - Math.log10(min)) / span) * (PLOT_RIGHT - PLOT_LEFT)
    return { log: true, min, max, x, ticks: ticks.sort((a, b) => a - b) }
  }
  const step = niceStep(high / 5)
  const max = Math.ceil(high / step) * step
  const ticks = Array.from({ length: Math.round(max / step) + 1 }, (_, i) => Number((i * step).toPrecision(6)))
  return { log: false, min: 0, max, x: (ratio) => PLOT_LEFT + (ratio / max) * (PLOT_RIGHT - PLOT_LEFT), ticks }
}

function niceStep(rough: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(rough))
  for (const factor of [1, 2, 2.5, 5, 10]) if (factor * magnitude >= rough) return factor * magnitude
  return 10 * magnitude
}

function tickLabel(value: number): string {
  return value >= 1 ? `${value}×` : `${Number(value.toPrecision(2))}×`
}

function barColor(row: ResultRow): string {
  if (row.baseline) return COLORS.baseline
  if (row.engine === 'node:crypto') return COLORS.baselineThreads
  if (row.engine === 'otp-wasm') return COLORS.otpWasm
  if (row.engine.startsWith('otp-wasm')) return COLORS.otpWasmOther
  return COLORS.peer
}

function groupHeight(result: WorkloadResult): number {
  return HEADER_HEIGHT + result.rows.length * ROW_HEIGHT + GROUP_GAP
}

function ceilingRatio(result: WorkloadResult): number | null {
  const baseline = result.rows.find((row) => row.baseline)
  return result.ceilingPerCore !== null && baseline ? result.ceilingPerCore / baseline.opsPerSecond : null
}

function renderGroup(result: WorkloadResult, top: number, scale: Scale): string[] {
  const parts: string[] = []
  const origin = scale.x(scale.log ? 1 : 0)
  parts.push(`<text x="8" y="${top + 15}" font-weight="600">${escapeXml(result.title)}</text>`)
  const ceiling = ceilingRatio(result)
  if (ceiling !== null) {
    const x = scale.x(ceiling).toFixed(1)
    const bottom = top + HEADER_HEIGHT + result.rows.length * ROW_HEIGHT
    parts.push(
      `<line x1="${x}" y1="${top + HEADER_HEIGHT - 2}" x2="${x}" y2="${bottom}" stroke="${COLORS.ceiling}" stroke-width="1.5" stroke-dasharray="4 3"><title>openssl reference, one core: ${escapeXml(formatRatio(ceiling))} node:crypto</title></line>`,
      `<text x="${VALUE_X + 84}" y="${top + 15}" text-anchor="end" fill="${COLORS.ceiling}" font-size="11">openssl ${escapeXml(formatRatio(ceiling))}</text>`,
    )
  }
  result.rows.forEach((row, index) => {
    const y = top + HEADER_HEIGHT + index * ROW_HEIGHT
    const end = scale.x(row.ratio)
    const left = row.baseline ? origin - 1.5 : Math.min(origin, end)
    // The baseline sits on the 1× line: a narrow bar marks it.
    const width = Math.max(row.baseline ? 3 : 1, Math.abs(end - origin))
    const label = engineLabel(row.engine, row.threads)
    const detail = `${label}: ${formatRatio(row.ratio)} node:crypto, ${formatRate(row.opsPerSecond)} ${result.unit}s/s ${formatMargin(row.marginPercent)}`
    parts.push(
      `<text x="${LABEL_RIGHT}" y="${y + 10}" text-anchor="end">${escapeXml(label)}</text>`,
      `<rect x="${left.toFixed(1)}" y="${y + 1}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${barColor(row)}"><title>${escapeXml(detail)}</title></rect>`,
      `<text x="${VALUE_X}" y="${y + 10}"${row.engine.startsWith('otp-wasm') ? ' font-weight="600"' : ''}>${escapeXml(formatRatio(row.ratio))}</text>`,
    )
    // Whisker: the engine's own margin (benchmark.js) or spread (timed runs) around its ratio.
    const margin = Math.min(row.marginPercent, 99) / 100
    if (!row.baseline && margin > 0) {
      const from = scale.x(row.ratio * (1 - margin)).toFixed(1)
      const to = scale.x(row.ratio * (1 + margin)).toFixed(1)
      const middle = (y + 1 + BAR_HEIGHT / 2).toFixed(1)
      parts.push(`<line x1="${from}" y1="${middle}" x2="${to}" y2="${middle}" stroke="${COLORS.text}" stroke-width="1" opacity="0.55"/>`)
    }
  })
  return parts
}

function describeMachine(report: BenchReport): string {
  const m = report.machine
  const simd = report.otpWasm.backend ? `, otp-wasm backend ${report.otpWasm.backend}` : ''
  return `${report.date.slice(0, 10)}, ${m.cpuModel}, ${m.cores} cores, Node ${m.node}${simd}; ${report.mode} run`
}

/** Renders the chart of a report as a standalone SVG document. */
export function renderChart(report: BenchReport): string {
  const workloads = report.workloads.filter((w) => w.rows.length > 0)
  const values = workloads.flatMap((w) => [...w.rows.map((r) => r.ratio), ceilingRatio(w) ?? 1])
  const scale = chooseScale(values)
  const plotHeight = workloads.reduce((sum, w) => sum + groupHeight(w), 0)
  const height = TOP + plotHeight + FOOTER_HEIGHT
  const axisTitle = `speed relative to node:crypto createHmac in the same run (×${scale.log ? ', log scale' : ''})`
  const title = 'otp-wasm and the OTP libraries in use today, relative to node:crypto'
  const description =
    `Bar chart of operations per second relative to a hand-written node:crypto HOTP, per workload and engine. ` +
    `Measured ${describeMachine(report)}. ` +
    workloads
      .map((w) => `${w.title}: ${w.rows.map((r) => `${engineLabel(r.engine, r.threads)} ${formatRatio(r.ratio)}`).join(', ')}.`)
      .join(' ')

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="chart-title chart-desc" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12" fill="${COLORS.text}">`,
    `<title id="chart-title">${escapeXml(title)}</title>`,
    `<desc id="chart-desc">${escapeXml(description)}</desc>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="8" y="24" font-size="16" font-weight="600">${escapeXml(title)}</text>`,
    `<text x="8" y="44" fill="${COLORS.muted}">${escapeXml(describeMachine(report))}</text>`,
  ]
  // Grid and tick labels, top and bottom.
  const bottom = TOP + plotHeight - GROUP_GAP
  for (const tick of scale.ticks) {
    const x = scale.x(tick).toFixed(1)
    const strong = tick === 1 && scale.log
    parts.push(
      `<line x1="${x}" y1="${TOP - 6}" x2="${x}" y2="${bottom}" stroke="${strong ? COLORS.baseline : COLORS.grid}" stroke-width="${strong ? 1.5 : 1}"/>`,
      `<text x="${x}" y="${TOP - 10}" text-anchor="middle" fill="${COLORS.muted}" font-size="11">${tickLabel(tick)}</text>`,
      `<text x="${x}" y="${bottom + 14}" text-anchor="middle" fill="${COLORS.muted}" font-size="11">${tickLabel(tick)}</text>`,
    )
  }
  parts.push(
    `<text x="${(PLOT_LEFT + PLOT_RIGHT) / 2}" y="${TOP - 28}" text-anchor="middle" fill="${COLORS.muted}">${escapeXml(axisTitle)}</text>`,
  )

  let top = TOP
  for (const workload of workloads) {
    parts.push(...renderGroup(workload, top, scale))
    top += groupHeight(workload)
  }
  const footerY = bottom + 34
  parts.push(
    `<text x="8" y="${footerY}" fill="${COLORS.muted}" font-size="11">${escapeXml(axisTitle.charAt(0).toUpperCase() + axisTitle.slice(1))}. Dark bar: node:crypto baseline (1×); blue: otp-wasm; grey: other libraries; whiskers: margin of error or spread of runs.</text>`,
    `<text x="8" y="${footerY + 16}" fill="${COLORS.muted}" font-size="11">Red dashes: openssl's SHA speed on one core (one hash stream) turned into the same operations, a hardware reference that SIMD lanes can pass.</text>`,
    '</svg>',
  )
  return parts.join('\n') + '\n'
}

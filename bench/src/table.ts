/** The terminal table: one block per workload, with ops/s, the ratio to node:crypto and the margin. */
import { engineLabel, formatMargin, formatRate, formatRatio } from './format.js'
import type { ResultRow, WorkloadResult } from './report.js'

const HEADERS = ['engine', 'ops/s', '× node:crypto', 'margin', 'samples'] as const

function cells(row: ResultRow): string[] {
  const label = engineLabel(row.engine, row.threads) + (row.baseline ? ' (baseline)' : '')
  const samples = row.method === 'timed runs' ? `${row.samples} runs` : String(row.samples)
  return [label, formatRate(row.opsPerSecond), formatRatio(row.ratio), formatMargin(row.marginPercent), samples]
}

/** Renders one workload's block; lines have no trailing newline. */
export function renderWorkloadTable(result: WorkloadResult): string[] {
  const method =
    result.method === 'benchmark.js' ? `benchmark.js, ${result.unit}s per second` : `median of timed runs, ${result.unit}s per second`
  const rows = result.rows.map(cells)
  if (result.ceilingPerCore !== null && result.rows.some((row) => row.baseline)) {
    const baseline = result.rows.find((row) => row.baseline)!
    rows.push([
      'openssl reference, 1 core',
      formatRate(result.ceilingPerCore),
      formatRatio(result.ceilingPerCore / baseline.opsPerSecond),
      '',
      '',
    ])
  }
  const widths = HEADERS.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)))
  const line = (row: readonly string[]): string =>
    '  ' +
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd()
  const lines = [`${result.title}  (${method})`, line(HEADERS), ...rows.map(line)]
  for (const skipped of result.skipped) lines.push(`  skipped ${skipped.name}: ${skipped.reason}`)
  for (const note of result.notes) lines.push(`  note: ${note}`)
  return lines
}

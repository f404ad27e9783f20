/**
 * The README's benchmark section, regenerated from a run's JSON so that every figure it shows comes
 * from a real run. Only the text between the markers is ever replaced.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { dirname, relative, sep } from 'node:path'
import type { Algorithm } from './contender.js'
import { engineLabel, formatMargin, formatRate, formatRatio } from './format.js'
import type { BenchReport, WorkloadResult } from './report.js'

/** The markers around the README's benchmark section. */
export const README_START = '<!-- bench:start -->'
export const README_END = '<!-- bench:end -->'

const HASH_NAME: Record<Algorithm, string> = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' }

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|')
}

/** The openssl ceiling of a workload as a ratio to its baseline, or null. */
function ceilingRatio(workload: WorkloadResult): number | null {
  const baseline = workload.rows.find((row) => row.baseline)
  return workload.ceilingPerCore !== null && baseline ? workload.ceilingPerCore / baseline.opsPerSecond : null
}

/** Engines of the single-code workloads as rows, workloads as columns: ratio and margin in each cell. */
function singleCodeTable(report: BenchReport): string[] {
  const workloads = report.workloads.filter((w) => w.method === 'benchmark.js' && w.rows.length > 0)
  if (!workloads.length) return []
  const engines = [...new Set(workloads.flatMap((w) => w.rows.map((r) => r.engine)))]
  const lines = [
    'One code at a time (benchmark.js; ratio to node:crypto, higher is faster, with the margin of error; the baseline row gives its own rate):',
    '',
    `| engine | ${workloads.map((w) => escapeCell(w.label ?? w.title)).join(' | ')} |`,
    `| --- |${' ---: |'.repeat(workloads.length)}`,
  ]
  for (const engine of engines) {
    const cells = workloads.map((w) => {
      const row = w.rows.find((r) => r.engine === engine)
      if (!row) return '—'
      if (row.baseline) return `1× (${formatRate(row.opsPerSecond)}/s)`
      const ratio = formatRatio(row.ratio)
      return `${engine.startsWith('otp-wasm') ? `**${ratio}**` : ratio} ${formatMargin(row.marginPercent)}`
    })
    const isBaseline = workloads.some((w) => w.rows.find((r) => r.engine === engine)?.baseline)
    const name = engine + (isBaseline ? ' (baseline)' : '')
    lines.push(`| ${escapeCell(engine.startsWith('otp-wasm') ? `**${name}**` : name)} | ${cells.map(escapeCell).join(' | ')} |`)
  }
  if (workloads.some((w) => ceilingRatio(w) !== null)) {
    const cells = workloads.map((w) => {
      const ratio = ceilingRatio(w)
      return ratio === null ? '—' : `*${formatRatio(ratio)}*`
    })
    lines.push(`| *openssl reference, 1 core* | ${cells.join(' | ')} |`)
  }
  lines.push('')
  return lines
}

/** Large workloads: one row per engine, with its rate, ratio, spread and runs. */
function largeTable(report: BenchReport): string[] {
  const workloads = report.workloads.filter((w) => w.method === 'timed runs' && w.rows.length > 0)
  if (!workloads.length) return []
  const lines = [
    'Batches and scans (median of timed runs, interleaved; node:crypto on a proportionate sample):',
    '',
    '| workload | engine | per second | × node:crypto | spread | runs |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ]
  for (const workload of workloads) {
    for (const row of workload.rows) {
      const engine = engineLabel(row.engine, row.threads) + (row.baseline ? ' (baseline)' : '')
      const strong = row.engine.startsWith('otp-wasm')
      lines.push(
        `| ${escapeCell(workload.title)} | ${escapeCell(strong ? `**${engine}**` : engine)} | ${formatRate(row.opsPerSecond)} ${workload.unit}s | ${strong ? `**${formatRatio(row.ratio)}**` : formatRatio(row.ratio)} | ${formatMargin(row.marginPercent)} | ${row.samples} |`,
      )
    }
    const ceiling = ceilingRatio(workload)
    if (ceiling !== null) {
      lines.push(`| ${escapeCell(workload.title)} | *openssl reference, 1 core* | *${formatRate(workload.ceilingPerCore!)} ${workload.unit}s* | *${formatRatio(ceiling)}* | | |`)
    }
  }
  lines.push('')
  return lines
}

/** The markdown between the markers. `chart` and `json` are paths relative to the README. */
export function renderReadmeSection(report: BenchReport, chart: string | null, json: string | null): string {
  const m = report.machine
  const backend = report.otpWasm.backend
    ? `otp-wasm backend \`${report.otpWasm.backend}\` (WebAssembly SIMD ${report.otpWasm.simdRan ? 'ran' : m.wasmSimdSupported ? 'supported but not used' : 'not supported'})`
    : `otp-wasm not measured (${report.otpWasm.note ?? 'no engine'})`
  const lines: string[] = [
    `Measured on ${report.date.slice(0, 10)} in a ${report.mode} run (\`npm run bench${report.mode === 'quick' ? ' -- --quick' : ''}\`, ${Math.round(report.durationSeconds / 60)} min): ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${backend}${m.commit ? `, commit ${m.commit}` : ''}.`,
    '',
    `Each figure is the engine's speed divided by that of a hand-written node:crypto HOTP (\`createHmac\`) measured in the same run; ops/s are shown for scale only, since they move with the machine's load (load average ${m.loadAverage[0]} at the start${report.loadAverageAtEnd ? ` and ${report.loadAverageAtEnd[0]} at the end` : ''}, on ${m.cores} cores).`,
    '',
  ]
  if (chart) lines.push(`![Speed of each engine relative to node:crypto, per workload](${chart})`, '')
  lines.push(...singleCodeTable(report), ...largeTable(report))
  const skippedNames = new Set(report.workloads.flatMap((w) => w.skipped.map((s) => `${s.name}: ${s.reason}`)))
  if (skippedNames.size) {
    lines.push('Not in this run:', '')
    for (const entry of skippedNames) lines.push(`- ${escapeCell(entry)}`)
    lines.push('')
  }
  if (report.ceiling) {
    const perCore = report.ceiling.perCore
    const parts = (Object.keys(perCore) as Algorithm[]).map(
      (a) =>
        `${HASH_NAME[a]} ${formatRate(perCore[a].compressionsPerSecond)} compressions/s, so ${formatRate(perCore[a].hotpPerSecondPrecomputed)} HOTP/s with ipad/opad precomputed (2 compressions) or ${formatRate(perCore[a].hotpPerSecondWithKeySetup)} with key setup (4)`,
    )
    lines.push(`Hardware reference, one core (${report.ceiling.source}, \`${report.ceiling.command}\`): ${parts.join('; ')}.`, '')
  }
  lines.push('How it is measured:', '')
  for (const item of report.method) lines.push(`- ${item}`)
  lines.push('')
  const peers = report.peers.map((p) => {
    if (p.status !== 'raced') return `${p.name} (${p.status})`
    return `${p.name}${p.version && p.name !== 'node:crypto' && p.name !== 'Web Crypto' ? ` ${p.version}` : ''}`
  })
  lines.push(`Peers: ${peers.join(', ')}.${json ? ` Raw results: [${json}](${json}).` : ''}`)
  return lines.join('\n')
}

/** Replaces the section between the markers of `readmePath`; throws if the markers are missing. */
export async function updateReadme(readmePath: string, report: BenchReport, chartPath: string | null): Promise<void> {
  const text = await readFile(readmePath, 'utf8')
  const start = text.indexOf(README_START)
  const end = text.indexOf(README_END)
  if (start < 0 || end < start) throw new Error(`${readmePath} has no ${README_START} … ${README_END} section`)
  const toLink = (path: string): string => relative(dirname(readmePath), path).split(sep).join('/')
  const chart = chartPath ? toLink(chartPath) : null
  const json = chartPath ? toLink(chartPath.replace(/\.svg$/, '.json')) : null
  const section = renderReadmeSection(report, chart, json)
  await writeFile(readmePath, `${text.slice(0, start + README_START.length)}\n${section}\n${text.slice(end)}`)
}

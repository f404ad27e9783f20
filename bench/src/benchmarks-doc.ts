/**
 * docs/benchmarks.md, written whole from a run's JSON so that every figure it shows comes from a real
 * run: the machine, the chart, every table, the method and the peers. The README carries only the
 * short table ({@link renderSummaryTable}), which the run prints for pasting.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Algorithm } from './contender.js'
import { engineLabel, formatMargin, formatRate, formatRatio } from './format.js'
import type { BenchReport, WorkloadResult } from './report.js'

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
      lines.push(
        `| ${escapeCell(workload.title)} | *openssl reference, 1 core* | *${formatRate(workload.ceilingPerCore!)} ${workload.unit}s* | *${formatRatio(ceiling)}* | | |`,
      )
    }
  }
  lines.push('')
  return lines
}

/**
 * The figures of a run in markdown: machine, chart, tables, method and peers. `chart` and `json` are
 * links relative to the document that shows it.
 */
export function renderBenchmarks(report: BenchReport, chart: string | null, json: string | null): string {
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

/** The workloads of the short table, in its order, with the names it gives them. */
const SUMMARY: ReadonlyArray<readonly [id: string, name: string]> = [
  ['generate-sha1', 'generate one code'],
  ['verify-totp-sha1', 'verify one TOTP code, window ±1'],
  ['batch-verify', 'batch verify (verifyBatch, objects)'],
  ['batch-verify-columnar', 'batch verify (verifyColumns)'],
  ['resync-scan-100m', 'resync scan'],
]

/**
 * The OTP libraries among the peers, which the short table compares with; the others are hash
 * libraries with HOTP written by hand around them.
 */
const OTP_LIBRARIES = ['otplib', 'otpauth', 'speakeasy']

/**
 * The short table for the README: otp-wasm on one thread and on every core, and the fastest OTP
 * library, each as a ratio to node:crypto, on a few workloads (HMAC-SHA-1). Empty when the run has
 * none of them.
 */
export function renderSummaryTable(report: BenchReport): string {
  const cores = report.machine.cores
  const lines = [
    `| HMAC-SHA-1, × node:crypto | otp-wasm, 1 thread | otp-wasm, ${cores} threads | fastest OTP library |`,
    '| --- | ---: | ---: | --- |',
  ]
  for (const [id, name] of SUMMARY) {
    const workload = report.workloads.find((w) => w.id === id && w.rows.length > 0)
    if (!workload) continue
    const otpWasm = (threads: number): string => {
      const row = workload.rows.find((r) => r.engine === 'otp-wasm' && r.threads === threads)
      return row ? `**${formatRatio(row.ratio)}**` : '—'
    }
    const peers = workload.rows.filter((r) => OTP_LIBRARIES.some((name) => r.engine === name || r.engine.startsWith(`${name} `)))
    const best = peers.reduce<(typeof peers)[number] | null>((a, b) => (a && a.ratio >= b.ratio ? a : b), null)
    // Large workloads name their size, which a quick run makes smaller.
    const units = workload.rows.find((r) => r.engine === 'otp-wasm')?.unitsPerRun
    const label = units ? `${name}, ${units.toLocaleString('en-US')} ${workload.unit}s` : name
    lines.push(
      `| ${escapeCell(label)} | ${otpWasm(1)} | ${cores > 1 ? otpWasm(cores) : '—'} | ${best ? `${escapeCell(best.engine)} ${formatRatio(best.ratio)}` : 'no batch API'} |`,
    )
  }
  return lines.length > 2 ? lines.join('\n') : ''
}

/** The header of the generated document. */
const DOC_TITLE = '# Benchmarks'
const DOC_NOTE =
  '<!-- Generated by `npm run bench -- --update-docs` (or `--from bench/results/full.json`) from bench/src/benchmarks-doc.ts: edit that, not this file. -->'

/**
 * Writes the whole document at `docPath` (docs/benchmarks.md) from a full run: the short table, then
 * every figure. `chartPath` is the run's SVG; its JSON lies next to it.
 */
export async function writeBenchmarksDoc(docPath: string, report: BenchReport, chartPath: string | null): Promise<void> {
  const toLink = (path: string): string => relative(dirname(docPath), path).split(sep).join('/')
  const chart = chartPath ? toLink(chartPath) : null
  const json = chartPath ? toLink(chartPath.replace(/\.svg$/, '.json')) : null
  const summary = renderSummaryTable(report)
  const howTo = toLink(fileURLToPath(new URL('../README.md', import.meta.url)))
  const parts = [
    DOC_TITLE,
    DOC_NOTE,
    `otp-wasm raced against node:crypto and the OTP libraries in use today, in one process and one run. How to run it and how it measures: [bench/README.md](${howTo}).`,
  ]
  if (summary) parts.push(`In short (ratios to a node:crypto loop; higher is faster):\n\n${summary}`)
  parts.push(renderBenchmarks(report, chart, json))
  await mkdir(dirname(docPath), { recursive: true })
  await writeFile(docPath, `${parts.join('\n\n')}\n`)
}

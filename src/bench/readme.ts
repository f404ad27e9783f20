/**
 * The README's benchmark section, regenerated from a run's JSON so that every figure it shows comes
 * from a real run. Only the text between the markers is ever replaced.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { dirname, relative, sep } from 'node:path'
import type { Algorithm } from './contender.js'
import { engineLabel, formatMargin, formatRate, formatRatio } from './format.js'
import type { BenchReport } from './report.js'

export const README_START = '<!-- bench:start -->'
export const README_END = '<!-- bench:end -->'

const HASH_NAME: Record<Algorithm, string> = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' }

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|')
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
    'Each figure is the engine\'s speed divided by that of a hand-written node:crypto HOTP (`createHmac`) measured in the same run; ops/s are shown for scale only, since they move with the machine\'s load.',
    '',
  ]
  if (chart) lines.push(`![Speed of each engine relative to node:crypto, per workload](${chart})`, '')
  lines.push('| workload | engine | ops/s | × node:crypto | margin |', '| --- | --- | ---: | ---: | ---: |')
  for (const workload of report.workloads) {
    for (const row of workload.rows) {
      const engine = engineLabel(row.engine, row.threads) + (row.baseline ? ' (baseline)' : '')
      const name = row.engine.startsWith('otp-wasm') ? `**${engine}**` : engine
      lines.push(
        `| ${escapeCell(workload.title)} | ${escapeCell(name)} | ${formatRate(row.opsPerSecond)} | ${formatRatio(row.ratio)} | ${formatMargin(row.marginPercent)} |`,
      )
    }
  }
  lines.push('')
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
    lines.push(`Hardware ceiling, one core (${report.ceiling.source}, \`${report.ceiling.command}\`): ${parts.join('; ')}.`, '')
  }
  lines.push('How it is measured:', '')
  for (const item of report.method) lines.push(`- ${item}`)
  lines.push('')
  const peers = report.peers.map((p) => `${p.name}${p.version && p.name !== 'node:crypto' && p.name !== 'Web Crypto' ? ` ${p.version}` : ''}`)
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

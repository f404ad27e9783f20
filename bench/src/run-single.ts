/** Runs one single-code workload: every contender in one benchmark.js suite, ratios to node:crypto. */
import type BenchmarkModule from 'benchmark'
import type { Contender, KeyedOtp, Skipped } from './contender.js'
import { codeTable } from './fixtures.js'
import { raceSingleCode, type SampleBudget } from './micro.js'
import type { ResultRow, WorkloadResult } from './report.js'
import type { SingleCodeWorkload } from './workloads.js'

/** Runs one single-code workload over every contender and answers its rows, ratios against node:crypto. */
export async function runSingleCodeWorkload(
  workload: SingleCodeWorkload,
  contenders: readonly Contender[],
  Benchmark: typeof BenchmarkModule,
  budget: SampleBudget,
  ceilingPerCore: number | null,
): Promise<WorkloadResult> {
  const table = codeTable(workload.algorithm)
  const skipped: Skipped[] = []
  const keyed = new Map<Contender, KeyedOtp>()
  for (const contender of contenders) {
    try {
      keyed.set(contender, await contender.forKey(workload.algorithm, table.key))
    } catch (error) {
      skipped.push({ name: contender.name, reason: `could not prepare its key: ${(error as Error).message}` })
    }
  }
  const racing = contenders.filter((contender) => keyed.has(contender))
  const figures = await raceSingleCode(Benchmark, racing, keyed, table, workload.operation, budget)
  const baselineIndex = racing.findIndex((contender) => contender.baseline)
  const baseline = figures[baselineIndex]
  if (!baseline || baseline.error) throw new Error(`the node:crypto baseline failed on ${workload.id}: ${baseline?.error}`)
  const rows: ResultRow[] = []
  figures.forEach((figure, index) => {
    if (figure.error) {
      skipped.push({ name: figure.name, reason: `threw during the race: ${figure.error}` })
      return
    }
    rows.push({
      engine: figure.name,
      threads: 1,
      opsPerSecond: figure.opsPerSecond,
      ratio: figure.opsPerSecond / baseline.opsPerSecond,
      marginPercent: figure.rmePercent,
      samples: figure.samples,
      method: 'benchmark.js',
      ...(index === baselineIndex ? { baseline: true } : {}),
    })
  })
  return {
    id: workload.id,
    title: workload.title,
    label: workload.label,
    unit: workload.unit,
    method: 'benchmark.js',
    ceilingPerCore,
    rows,
    skipped,
    notes: [],
  }
}

/**
 * Runs one large workload: the node:crypto loop on a sample (one thread, then all threads), then each
 * otp-wasm engine on the full size, all as timed runs after an untimed warm-up.
 */
import { prepareBaselineJob } from './baseline-loops.js'
import { startBaselineThreads } from './baseline-threads.js'
import type { Skipped } from './contender.js'
import type { ResultRow, WorkloadResult } from './report.js'
import { secondsOf, timeRuns, type RunPlan, type TimedFigure } from './timed-runs.js'
import type { LargeWorkload, RacingEngine } from './workloads.js'

export interface LargeRunSettings {
  readonly mode: 'quick' | 'full'
  readonly cores: number
  readonly plan: RunPlan
  readonly ceilingPerCore: number | null
  readonly log: (line: string) => void
}

/** Warm-up size: enough for V8 to tier the code up, far less than a full run. */
function warmupSize(size: number): number {
  return Math.min(size, Math.max(10_000, Math.ceil(size / 50)))
}

function row(engine: string, threads: number, figure: TimedFigure, baselineRate: number, baseline = false): ResultRow {
  return {
    engine,
    threads,
    opsPerSecond: figure.opsPerSecond,
    ratio: figure.opsPerSecond / baselineRate,
    marginPercent: figure.spreadPercent,
    samples: figure.secondsPerRun.length,
    method: 'timed runs',
    unitsPerRun: figure.unitsPerRun,
    ...(baseline ? { baseline: true } : {}),
  }
}

export async function runLargeWorkload(
  workload: LargeWorkload,
  engines: readonly RacingEngine[],
  settings: LargeRunSettings,
): Promise<WorkloadResult> {
  const size = workload.size[settings.mode]
  const sample = workload.sample[settings.mode]
  const { plan, log } = settings
  const rows: ResultRow[] = []
  const skipped: Skipped[] = []

  log(`  node:crypto, 1 thread, ${sample.toLocaleString('en-US')} ${workload.unit}s per run`)
  const loop = prepareBaselineJob(workload.baselineJob(sample))
  loop()
  const baseline = await timeRuns(sample, () => secondsOf(loop), plan)
  rows.push(row('node:crypto', 1, baseline, baseline.opsPerSecond, true))

  if (settings.cores > 1) {
    log(`  node:crypto, ${settings.cores} threads, ${sample.toLocaleString('en-US')} ${workload.unit}s per thread per run`)
    const threads = await startBaselineThreads(workload.baselineJob(sample), settings.cores)
    try {
      await threads.run()
      const figure = await timeRuns(sample * settings.cores, () => threads.run(), plan)
      rows.push(row('node:crypto', settings.cores, figure, baseline.opsPerSecond))
    } finally {
      await threads.close()
    }
  }

  for (const racer of engines) {
    const { name, threads } = racer
    const label = `${name}${threads > 1 ? `, ${threads} threads` : ''}`
    const prepared = workload.prepare(racer, size)
    if ('reason' in prepared) {
      skipped.push({ name: label, reason: prepared.reason })
      continue
    }
    log(`  ${label}, ${size.toLocaleString('en-US')} ${workload.unit}s per run`)
    try {
      const warmup = workload.prepare(racer, warmupSize(size))
      if ('run' in warmup) await warmup.run()
      const figure = await timeRuns(size, () => secondsOf(() => prepared.run()), plan)
      rows.push(row(name, threads, figure, baseline.opsPerSecond))
    } catch (error) {
      skipped.push({ name: label, reason: `FAILED: ${(error as Error).message}` })
    }
  }

  return {
    id: workload.id,
    title: workload.title(size),
    unit: workload.unit,
    method: 'timed runs',
    ceilingPerCore: settings.ceilingPerCore,
    rows,
    skipped,
    notes: [
      `node:crypto is timed on ${sample.toLocaleString('en-US')} ${workload.unit}s per thread per run (its rate per ${workload.unit} does not depend on the total); otp-wasm on all ${size.toLocaleString('en-US')}`,
      'figures are the median of the timed runs; margin is half their spread',
    ],
  }
}

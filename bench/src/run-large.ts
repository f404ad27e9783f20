/**
 * Runs one large workload: the node:crypto loop on a sample (one thread, then all threads) and each
 * otp-wasm engine on the full size, each warmed up untimed, then timed in interleaved rounds.
 *
 * The node:crypto loop runs in worker threads even for one thread: each worker has a heap of its own,
 * so the baseline never pays for the large inputs the engines hold in the main thread's heap.
 */
import { startBaselineThreads, type BaselineThreads } from './baseline-threads.js'
import type { Skipped } from './contender.js'
import type { ResultRow, WorkloadResult } from './report.js'
import { secondsOf, timeInterleaved, type RunPlan, type TimedFigure, type TimedSubject } from './timed-runs.js'
import type { LargeWorkload, RacingEngine } from './workloads.js'

/** How a large workload runs: the mode's sizes, the cores, the run plan and the openssl reference. */
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

/** A timed subject with the row it becomes. */
interface Entry extends TimedSubject {
  readonly engine: string
  readonly threads: number
  readonly baseline?: boolean
}

function row(entry: Entry, figure: TimedFigure, baselineRate: number): ResultRow {
  return {
    engine: entry.engine,
    threads: entry.threads,
    opsPerSecond: figure.opsPerSecond,
    ratio: figure.opsPerSecond / baselineRate,
    marginPercent: figure.spreadPercent,
    samples: figure.secondsPerRun.length,
    method: 'timed runs',
    unitsPerRun: figure.unitsPerRun,
    ...(entry.baseline ? { baseline: true } : {}),
  }
}

const count = (n: number): string => n.toLocaleString('en-US')

/** Runs one large workload and answers its rows, ratios against the one-thread node:crypto loop. */
export async function runLargeWorkload(
  workload: LargeWorkload,
  engines: readonly RacingEngine[],
  settings: LargeRunSettings,
): Promise<WorkloadResult> {
  const size = workload.size[settings.mode]
  const sample = workload.sample[settings.mode]
  const { log } = settings
  const skipped: Skipped[] = []
  const entries: Entry[] = []
  const workers: BaselineThreads[] = []
  try {
    for (const threads of settings.cores > 1 ? [1, settings.cores] : [1]) {
      log(`  preparing node:crypto, ${threads} thread(s): ${count(sample)} ${workload.unit}s per thread per run`)
      const pool = await startBaselineThreads(workload.baselineJob(sample), threads)
      workers.push(pool)
      await pool.run()
      entries.push({ engine: 'node:crypto', threads, units: sample * threads, run: () => pool.run(), baseline: threads === 1 })
    }

    for (const racer of engines) {
      const label = `${racer.name}${racer.threads > 1 ? `, ${racer.threads} threads` : ''}`
      const prepared = workload.prepare(racer, size)
      if ('reason' in prepared) {
        skipped.push({ name: label, reason: prepared.reason })
        continue
      }
      log(`  preparing ${label}: ${count(size)} ${workload.unit}s per run`)
      const warmup = workload.prepare(racer, warmupSize(size))
      if ('reason' in warmup) {
        skipped.push({ name: label, reason: warmup.reason })
        continue
      }
      try {
        await warmup.run()
      } catch (error) {
        skipped.push({ name: label, reason: `FAILED: ${(error as Error).message}` })
        continue
      }
      entries.push({
        engine: racer.name,
        threads: racer.threads,
        units: size,
        run: () => secondsOf(() => prepared.run()),
        warm: () => warmup.run(),
      })
    }

    log(`  timing ${entries.length} engines in interleaved rounds`)
    const { figures, failures } = await timeInterleaved(entries, settings.plan)
    const baseline = figures[0]
    if (!baseline) throw new Error(`the node:crypto baseline failed on ${workload.id}: ${failures[0]?.message}`)
    const rows: ResultRow[] = []
    entries.forEach((entry, i) => {
      const figure = figures[i]
      if (figure) rows.push(row(entry, figure, baseline.opsPerSecond))
      else skipped.push({ name: `${entry.engine}, ${entry.threads} thread(s)`, reason: `FAILED: ${failures[i]?.message}` })
    })
    return {
      id: workload.id,
      title: workload.title(size),
      label: workload.title(size),
      unit: workload.unit,
      method: 'timed runs',
      ceilingPerCore: settings.ceilingPerCore,
      rows,
      skipped,
      notes: [
        `node:crypto is timed in worker threads on ${count(sample)} ${workload.unit}s per thread per run (its rate per ${workload.unit} does not depend on the total); otp-wasm on all ${count(size)}`,
        'figures are the median of runs interleaved between the engines; margin is half their spread',
      ],
    }
  } finally {
    for (const pool of workers) await pool.close()
  }
}

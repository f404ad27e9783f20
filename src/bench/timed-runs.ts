/**
 * Large workloads (a million records, a hundred million counters) are too slow for benchmark.js's
 * many samples: each is timed as a few whole runs after one untimed warm-up, and reported as the
 * median throughput with the spread of the runs.
 */

/** How many runs to time. */
export interface RunPlan {
  /** Runs to time when they are quick. */
  readonly runs: number
  /** Never fewer than this, however slow. */
  readonly minRuns: number
  /** Seconds the timed runs of one engine should take at most, beyond `minRuns`. */
  readonly budgetSeconds: number
}

/** Median throughput of a few timed runs. */
export interface TimedFigure {
  readonly unitsPerRun: number
  readonly secondsPerRun: readonly number[]
  /** Median units per second. */
  readonly opsPerSecond: number
  /** Half the min-max throughput spread, over the median, in percent. */
  readonly spreadPercent: number
}

/** Measures the wall-clock seconds of one call. */
export async function secondsOf(work: () => unknown): Promise<number> {
  const start = process.hrtime.bigint()
  await work()
  return Number(process.hrtime.bigint() - start) / 1e9
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/**
 * Times `run` (which answers its own seconds) per the plan. The first timed run decides how many
 * more fit in the budget; the warm-up is the caller's, on smaller inputs when the full ones are slow.
 */
export async function timeRuns(unitsPerRun: number, run: () => Promise<number>, plan: RunPlan): Promise<TimedFigure> {
  const seconds = [await run()]
  const affordable = Math.floor(plan.budgetSeconds / seconds[0]!)
  const total = Math.max(plan.minRuns, Math.min(plan.runs, affordable))
  while (seconds.length < total) seconds.push(await run())
  const rates = seconds.map((s) => unitsPerRun / s)
  const middle = median(rates)
  return {
    unitsPerRun,
    secondsPerRun: seconds,
    opsPerSecond: middle,
    spreadPercent: ((Math.max(...rates) - Math.min(...rates)) / 2 / middle) * 100,
  }
}

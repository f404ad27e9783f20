/**
 * Large workloads (a million records, a hundred million counters) are too slow for benchmark.js's
 * many samples: each engine is timed over a few whole runs, and reported as its median throughput
 * with the spread of its runs. Runs are interleaved (one run of every engine per round, alternating
 * their order), so that a machine whose load drifts slows them all alike. Each run starts alike: a
 * full collection, a wait for the background threads to go quiet, and a small untimed warm-up run.
 */

import { settleHeap, untilQuiet } from './clean-heap.js'

/** How many rounds to time. */
export interface RunPlan {
  /** Rounds to time when they are quick. */
  readonly runs: number
  /** Never fewer than this, however slow. */
  readonly minRuns: number
  /** Seconds all rounds together should take at most, beyond `minRuns`. */
  readonly budgetSeconds: number
}

/** Something to time: `run` does `units` of work once and answers its wall-clock seconds. */
export interface TimedSubject {
  readonly units: number
  run(): Promise<number>
  /**
   * A small untimed run before each timed one. A full collection throws away optimized code whose
   * objects died (optimized code holds the hidden classes it depends on weakly): without a warm-up
   * the timed run would recompile it, on the very cores a multi-threaded contender uses.
   */
  warm?(): Promise<unknown>
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

/** Summarizes the runs of one subject. */
export function figureOf(unitsPerRun: number, secondsPerRun: readonly number[]): TimedFigure {
  const rates = secondsPerRun.map((s) => unitsPerRun / s)
  const middle = median(rates)
  return {
    unitsPerRun,
    secondsPerRun,
    opsPerSecond: middle,
    spreadPercent: ((Math.max(...rates) - Math.min(...rates)) / 2 / middle) * 100,
  }
}

/**
 * Times every subject in rounds, one run each per round. The first round decides how many rounds
 * fit in the budget; a subject whose run throws is dropped (its error is in `failures`), the others go on.
 */
export async function timeInterleaved(
  subjects: readonly TimedSubject[],
  plan: RunPlan,
): Promise<{ figures: Array<TimedFigure | null>; failures: Array<Error | null> }> {
  const seconds = subjects.map(() => [] as number[])
  const failures: Array<Error | null> = subjects.map(() => null)
  let rounds = plan.runs
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint()
    // Odd rounds go backwards, so that no subject always runs first or last.
    const order = subjects.map((_, i) => i)
    if (round % 2) order.reverse()
    for (const i of order) {
      if (failures[i]) continue
      await settleHeap()
      try {
        const subject = subjects[i]!
        if (subject.warm) {
          await subject.warm()
          await untilQuiet()
        }
        seconds[i]!.push(await subject.run())
      } catch (error) {
        failures[i] = error as Error
      }
    }
    if (round === 0) {
      const roundSeconds = Number(process.hrtime.bigint() - start) / 1e9
      rounds = Math.max(plan.minRuns, Math.min(plan.runs, Math.floor(plan.budgetSeconds / roundSeconds)))
    }
  }
  const figures = subjects.map((subject, i) => (failures[i] ? null : figureOf(subject.units, seconds[i]!)))
  return { figures, failures }
}

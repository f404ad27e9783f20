/** The shape of a benchmark run's results: what the JSON file holds and what tables and charts read. */
import type { Skipped } from './contender.js'
import type { Ceiling } from './ceiling.js'
import type { MachineFacts } from './machine.js'

/** How a figure was measured. */
export type Method = 'benchmark.js' | 'timed runs'

/** One engine's figure on one workload. */
export interface ResultRow {
  /** Engine name as shown, e.g. `otp-wasm` or `node:crypto`. */
  readonly engine: string
  /** Threads it ran on. */
  readonly threads: number
  /** Operations (codes, verifications, records or counters) per second: mean (benchmark.js) or median (timed runs). */
  readonly opsPerSecond: number
  /** opsPerSecond divided by the single-thread node:crypto baseline's, measured in the same run. */
  readonly ratio: number
  /** Relative margin of error (benchmark.js, 95%) or half the min-max spread over the median (timed runs), in percent. */
  readonly marginPercent: number
  /** benchmark.js samples or timed runs. */
  readonly samples: number
  readonly method: Method
  /** Units each timed run processed (timed runs only): a sample of the workload for node:crypto. */
  readonly unitsPerRun?: number
  readonly baseline?: boolean
}

/** One workload's results. */
export interface WorkloadResult {
  readonly id: string
  readonly title: string
  /** A short name for table columns. */
  readonly label: string
  /** What one operation is: `code`, `verification`, `record`, `counter`. */
  readonly unit: string
  readonly method: Method
  /** The HOTP-per-second ceiling of one core from openssl, in this workload's operations, or null. */
  readonly ceilingPerCore: number | null
  readonly rows: readonly ResultRow[]
  readonly skipped: readonly Skipped[]
  readonly notes: readonly string[]
}

/** A peer's part in the run. */
export interface PeerStatus {
  readonly name: string
  readonly version: string | null
  readonly status: 'raced' | 'not installed' | 'failed the RFC proof' | 'skipped'
  readonly note?: string
}

/** Everything a run produced. Written as JSON; docs/benchmarks.md and the chart are made from it. */
export interface BenchReport {
  readonly schema: 1
  readonly mode: 'quick' | 'full'
  /** ISO 8601 time the run started. */
  readonly date: string
  readonly durationSeconds: number
  readonly machine: MachineFacts
  /** 1, 5 and 15 minute load averages when the run ended (machine.loadAverage has them at its start). */
  readonly loadAverageAtEnd: readonly number[]
  readonly otpWasm: {
    readonly loaded: boolean
    readonly version: string | null
    readonly backend: string | null
    readonly simdRan: boolean
    readonly note?: string
  }
  readonly peers: readonly PeerStatus[]
  readonly ceiling: Ceiling | null
  readonly workloads: readonly WorkloadResult[]
  readonly method: readonly string[]
}

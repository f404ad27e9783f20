/**
 * Summary statistics of timing samples, as benchmark.js computes them per benchmark, applied to
 * samples pooled over several interleaved rounds.
 */

/** Two-tailed 95% critical values of Student's t for 1 to 30 degrees of freedom; 1.96 beyond. */
const STUDENT_T_95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
]

/** Mean rate and relative margin of error (95%) of samples given in seconds per operation. */
export interface SampleSummary {
  readonly opsPerSecond: number
  readonly rmePercent: number
  readonly samples: number
}

/** Summarizes samples as benchmark.js does: ops/s from the mean, margin from Student's t at 95%. */
export function summarizeSamples(secondsPerOperation: readonly number[]): SampleSummary {
  const n = secondsPerOperation.length
  if (n === 0) return { opsPerSecond: 0, rmePercent: 0, samples: 0 }
  const mean = secondsPerOperation.reduce((sum, s) => sum + s, 0) / n
  if (n === 1) return { opsPerSecond: 1 / mean, rmePercent: 0, samples: 1 }
  const variance = secondsPerOperation.reduce((sum, s) => sum + (s - mean) ** 2, 0) / (n - 1)
  const critical = STUDENT_T_95[n - 2] ?? 1.96
  const marginOfError = (Math.sqrt(variance) / Math.sqrt(n)) * critical
  return { opsPerSecond: 1 / mean, rmePercent: (marginOfError / mean) * 100, samples: n }
}

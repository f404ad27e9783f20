/** Number formatting shared by the terminal table, docs/benchmarks.md and the chart. */

/** Operations per second with three significant digits and a unit prefix: 1.23 M, 456 k. */
export function formatRate(opsPerSecond: number): string {
  const steps: Array<[number, string]> = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ]
  for (const [scale, prefix] of steps) {
    if (opsPerSecond >= scale) return `${significant(opsPerSecond / scale)} ${prefix}`
  }
  return significant(opsPerSecond)
}

/** A ratio to the baseline: 12.3×, 0.45×. */
export function formatRatio(ratio: number): string {
  return `${significant(ratio)}×`
}

/** A margin in percent: ±1.2%. */
export function formatMargin(percent: number): string {
  return `±${percent < 10 ? percent.toFixed(1) : percent.toFixed(0)}%`
}

/** Three significant digits, without exponent notation. */
export function significant(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value)
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))))
  return value.toFixed(Math.min(digits, 6))
}

/** A row's engine label with its threads, when it ran on more than one. */
export function engineLabel(engine: string, threads: number): string {
  return threads > 1 ? `${engine}, ${threads} threads` : engine
}

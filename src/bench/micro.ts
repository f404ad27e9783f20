/**
 * Single-code workloads, measured with benchmark.js: many samples of a tight loop, reported as mean
 * ops/s with a relative margin of error. Every contender in one workload runs in one suite, baseline
 * first, over the same cycling table of inputs.
 */
import type BenchmarkModule from 'benchmark'
import type { Contender, KeyedOtp } from './contender.js'
import type { CodeTable } from './fixtures.js'
import { TABLE_SIZE } from './fixtures.js'

type Benchmark = typeof BenchmarkModule

/** The single-code operations a workload can time. */
export type SingleCodeOperation = 'hotp' | 'verifyHotp' | 'verifyTotp'

/** How long benchmark.js may spend on each contender. */
export interface SampleBudget {
  /** Seconds per contender, calibration excluded. */
  readonly maxTime: number
  readonly minSamples: number
  /** Seconds per sample at least; benchmark.js's default (50 ms) when omitted. */
  readonly minTime?: number
  /** Seconds each contender runs untimed first, so that JIT tiers and lazy setup are behind it. */
  readonly warmupTime: number
}

/** Runs `call` untimed for about `seconds`, awaiting it when it answers with promises. */
async function warmUp(call: () => unknown, async: boolean, seconds: number): Promise<void> {
  const end = performance.now() + seconds * 1000
  while (performance.now() < end) {
    for (let i = 0; i < 64; i++) {
      const answer = call()
      if (async) await answer
    }
  }
}

/** One contender's figure from benchmark.js. */
export interface MicroFigure {
  readonly name: string
  readonly opsPerSecond: number
  readonly rmePercent: number
  readonly samples: number
  /** Set when the contender threw during the race: its figure is then meaningless. */
  readonly error?: string
}

const MASK = TABLE_SIZE - 1

/** A call of `operation` on the next table entry; entries cycle so no input repeats back to back. */
function operationCall(keyed: KeyedOtp, table: CodeTable, operation: SingleCodeOperation): () => unknown {
  let next = 0
  switch (operation) {
    case 'hotp':
      return () => keyed.hotp(table.counters[next++ & MASK]!)
    case 'verifyHotp':
      return () => {
        const i = next++ & MASK
        return keyed.verifyHotp(table.hotpCodes[i]!, table.counters[i]!)
      }
    case 'verifyTotp':
      return () => {
        const i = next++ & MASK
        return keyed.verifyTotp(table.totpCodes[i]!, table.times[i]!)
      }
  }
}

/** Loads benchmark.js, a devDependency; null when it is not installed. */
export async function loadBenchmark(): Promise<Benchmark | null> {
  try {
    return ((await import('benchmark')) as { default: Benchmark }).default
  } catch {
    return null
  }
}

/** Races the contenders on one single-code operation; answers their figures in the given order. */
export async function raceSingleCode(
  Benchmark: Benchmark,
  contenders: readonly Contender[],
  keyed: ReadonlyMap<Contender, KeyedOtp>,
  table: CodeTable,
  operation: SingleCodeOperation,
  budget: SampleBudget,
): Promise<MicroFigure[]> {
  const suite = new Benchmark.Suite()
  for (const contender of contenders) {
    const call = operationCall(keyed.get(contender)!, table, operation)
    await warmUp(call, contender.async, budget.warmupTime)
    const options = {
      maxTime: budget.maxTime,
      minSamples: budget.minSamples,
      ...(budget.minTime ? { minTime: budget.minTime } : {}),
    }
    if (contender.async) {
      suite.add(contender.name, {
        ...options,
        defer: true,
        fn: (deferred: { resolve(): void }) => void (call() as Promise<unknown>).then(() => deferred.resolve()),
      })
    } else {
      suite.add(contender.name, call, options)
    }
  }
  await new Promise<void>((resolve, reject) => {
    suite.on('complete', () => resolve())
    suite.on('error', (event: { target: { error?: unknown } }) => reject(event.target.error))
    suite.run({ async: true })
  })
  return Array.from({ length: suite.length }, (_, index) => {
    const bench = (suite as unknown as ArrayLike<BenchmarkModule & { error?: Error }>)[index]!
    return {
      name: bench.name ?? contenders[index]!.name,
      opsPerSecond: bench.hz,
      rmePercent: bench.stats.rme,
      samples: bench.stats.sample.length,
      ...(bench.error ? { error: String(bench.error.message ?? bench.error) } : {}),
    }
  })
}

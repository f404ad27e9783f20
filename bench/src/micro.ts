/**
 * Single-code workloads, measured with benchmark.js: many samples of a tight loop, reported as mean
 * ops/s with a relative margin of error. The contenders of one workload run in one suite over the
 * same cycling table of inputs, in several rounds that alternate their order; each contender's
 * samples are pooled over the rounds, so that a machine whose load drifts slows them all alike.
 */
import type BenchmarkModule from 'benchmark'
import type { Contender, KeyedOtp } from './contender.js'
import type { CodeTable } from './fixtures.js'
import { TABLE_SIZE } from './fixtures.js'
import { summarizeSamples } from './stats.js'
import { collectGarbage } from './clean-heap.js'

type Benchmark = typeof BenchmarkModule

/** The single-code operations a workload can time. */
export type SingleCodeOperation = 'hotp' | 'verifyHotp' | 'verifyTotp'

/** How long benchmark.js may spend on each contender. */
export interface SampleBudget {
  /** Rounds of the whole suite; each contender's samples are pooled over them. */
  readonly rounds: number
  /** Seconds per contender per round, calibration excluded. */
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

/** Runs one benchmark.js suite and answers each benchmark's samples (seconds per operation) or error. */
async function runSuite(
  Benchmark: Benchmark,
  entries: ReadonlyArray<{ contender: Contender; call: () => unknown }>,
  budget: SampleBudget,
): Promise<Array<{ samples: number[]; error?: string }>> {
  const suite = new Benchmark.Suite()
  const options = {
    maxTime: budget.maxTime,
    minSamples: budget.minSamples,
    ...(budget.minTime ? { minTime: budget.minTime } : {}),
  }
  for (const { contender, call } of entries) {
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
  collectGarbage()
  await new Promise<void>((resolve, reject) => {
    // Each contender starts on a clean heap, whoever ran before it.
    suite.on('cycle', () => collectGarbage())
    suite.on('complete', () => resolve())
    suite.on('error', (event: { target: { error?: unknown } }) => reject(event.target.error))
    suite.run({ async: true })
  })
  return Array.from({ length: entries.length }, (_, index) => {
    const bench = (suite as unknown as ArrayLike<BenchmarkModule & { error?: Error }>)[index]!
    return bench.error ? { samples: [], error: String(bench.error.message ?? bench.error) } : { samples: [...bench.stats.sample] }
  })
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
  const entries = contenders.map((contender) => ({
    contender,
    call: operationCall(keyed.get(contender)!, table, operation),
  }))
  for (const { contender, call } of entries) await warmUp(call, contender.async, budget.warmupTime)
  const pooled = entries.map(() => ({ samples: [] as number[], error: undefined as string | undefined }))
  for (let round = 0; round < budget.rounds; round++) {
    // Odd rounds run the suite backwards, so that no contender is always first or last.
    const order = entries.map((_, index) => index)
    if (round % 2) order.reverse()
    const results = await runSuite(
      Benchmark,
      order.map((index) => entries[index]!),
      budget,
    )
    results.forEach((result, position) => {
      const target = pooled[order[position]!]!
      target.samples.push(...result.samples)
      target.error ??= result.error
    })
  }
  return entries.map(({ contender }, index) => {
    const { samples, error } = pooled[index]!
    const summary = summarizeSamples(samples)
    return {
      name: contender.name,
      opsPerSecond: summary.opsPerSecond,
      rmePercent: summary.rmePercent,
      samples: summary.samples,
      ...(error ? { error } : {}),
    }
  })
}

/**
 * The workloads, one small entry each. Single-code workloads race every contender with benchmark.js;
 * large workloads race otp-wasm's engines (one thread and all threads) against the node:crypto loop
 * over a sample, with timed runs. A large workload whose API is not in this build is skipped with a note.
 */
import type { BaselineJob } from './baseline-loops.js'
import type { Algorithm } from './contender.js'
import { generateRecords, scanTarget, totpColumns, totpRecords, type GenerateRecords, type TotpColumnsInput } from './fixtures.js'
import type { SingleCodeOperation } from './micro.js'
import type { OtpEngine, OtpWasmModule, TotpRecord } from './otp-wasm.js'

/** An otp-wasm engine to race, with the module it came from and the threads it computes on. */
export interface RacingEngine {
  readonly name: string
  readonly threads: number
  readonly engine: OtpEngine
  readonly module: OtpWasmModule
}

/** A workload on one code at a time. */
export interface SingleCodeWorkload {
  readonly kind: 'single'
  readonly id: string
  readonly title: string
  /** A short name for table columns, e.g. `verify HOTP, SHA-256`. */
  readonly label: string
  readonly unit: string
  readonly algorithm: Algorithm
  readonly operation: SingleCodeOperation
  /** The fewest SHA compressions one operation needs, key setup included: for the openssl ceiling. */
  readonly compressions: number
}

/** Sizes for the full and the quick run. */
export interface Sizes {
  readonly full: number
  readonly quick: number
}

/** An engine run prepared on its inputs; `run` throws if the engine answers wrongly. */
export interface PreparedRun {
  run(): Promise<void>
}

/** A workload too big for benchmark.js. */
export interface LargeWorkload {
  readonly kind: 'large'
  readonly id: string
  title(size: number): string
  readonly unit: string
  readonly algorithm: Algorithm
  readonly compressions: number
  /** Units the engines process per run. */
  readonly size: Sizes
  /** Units the node:crypto baseline processes per run (per thread). */
  readonly sample: Sizes
  /** The node:crypto loop over `count` units. */
  baselineJob(count: number): BaselineJob
  /** Prepares an engine's run over `size` units, or answers why this engine cannot run it. */
  prepare(racer: RacingEngine, size: number): PreparedRun | { reason: string }
}

/** An entry of the workload table. */
export type Workload = SingleCodeWorkload | LargeWorkload

const count = (n: number): string => n.toLocaleString('en-US')

function single(
  operation: SingleCodeOperation,
  algorithm: Algorithm,
  title: string,
  unit: string,
  compressions: number,
): SingleCodeWorkload {
  const verb = operation === 'hotp' ? 'generate' : operation === 'verifyHotp' ? 'verify-hotp' : 'verify-totp'
  const hash = `SHA-${algorithm.slice(3)}`
  const label = `${operation === 'hotp' ? 'generate' : operation === 'verifyHotp' ? 'verify HOTP' : 'verify TOTP ±1'}, ${hash}`
  return { kind: 'single', id: `${verb}-${algorithm.toLowerCase()}`, title, label, unit, algorithm, operation, compressions }
}

/** Every fixture cache, so that releaseFixtures empties them all. */
const caches: Array<Map<number, unknown>> = []

/**
 * Batch inputs are costly to make (one HMAC per record): each is made once per size and shared by
 * the engines, until releaseFixtures.
 */
function perSize<T>(make: (size: number) => T): (size: number) => T {
  const cache = new Map<number, T>()
  caches.push(cache)
  return (size) => {
    let value = cache.get(size)
    if (value === undefined) cache.set(size, (value = make(size)))
    return value
  }
}

const recordsOf = perSize((size): TotpRecord[] => totpRecords(size, 0x5eed))

const batchVerify: LargeWorkload = {
  kind: 'large',
  id: 'batch-verify',
  title: (size) => `batch verify, ${count(size)} TOTP-SHA-1 records, window ±1`,
  unit: 'record',
  algorithm: 'SHA1',
  compressions: 8,
  size: { full: 1_000_000, quick: 50_000 },
  sample: { full: 100_000, quick: 10_000 },
  baselineJob: (n) => ({ kind: 'totp-batch', count: n, seed: 0xba5e }),
  prepare({ engine }, size) {
    const verifyBatch = engine.verifyBatch?.bind(engine)
    if (!verifyBatch) return { reason: 'engine.verifyBatch is not in this build yet' }
    const records = recordsOf(size)
    return {
      async run() {
        const results = await verifyBatch(records)
        if (results.length !== records.length) throw new Error(`verifyBatch answered ${results.length} results`)
        for (let i = 0; i < results.length; i++) {
          if (results[i] !== 1) throw new Error(`verifyBatch record ${i}: expected delta 1, got ${String(results[i])}`)
        }
      },
    }
  },
}

const RECORD_OPTIONS = { period: 30, window: 1 }

const columnsOf = perSize((size): TotpColumnsInput => totpColumns(recordsOf(size)))

const batchVerifyColumnar: LargeWorkload = {
  ...batchVerify,
  id: 'batch-verify-columnar',
  title: (size) => `batch verify, columnar (typed arrays in), ${count(size)} TOTP-SHA-1 records, window ±1`,
  prepare({ engine, module }, size) {
    const verifyColumns = engine.verifyColumns?.bind(engine)
    const Builder = module.BatchBuilder
    if (
      !verifyColumns ||
      !Builder ||
      typeof Builder.prototype.addTotpColumns !== 'function' ||
      typeof Builder.prototype.reset !== 'function'
    ) {
      return { reason: 'engine.verifyColumns / BatchBuilder.addTotpColumns / reset are not in this build yet' }
    }
    const { bytes, offsets, keys, codes, times } = columnsOf(size)
    // A server verifying batch after batch keeps its builder and empties it (reset), as verifyBatch
    // does with its own; sized once for the batch.
    const batch = new Builder({ records: size, keys: size, keyBytes: bytes.length })
    return {
      // Filling the builder is timed too: it is where each record is checked, as verifyBatch does inside.
      async run() {
        batch.reset!()
        const first = batch.addKeys!(bytes, offsets)
        if (first !== 0) throw new Error(`addKeys answered ${first} for the first key`)
        batch.addTotpColumns!({ keys, codes, times }, RECORD_OPTIONS)
        const { status, delta } = await verifyColumns(batch)
        if (status.length !== size) throw new Error(`verifyColumns answered ${status.length} results`)
        for (let i = 0; i < status.length; i++) {
          if (status[i] !== 1 || delta[i] !== 1) {
            throw new Error(`verifyColumns record ${i}: expected a match at delta 1, got status ${status[i]} delta ${delta[i]}`)
          }
        }
      },
    }
  },
}

const generateInputsOf = perSize((size): GenerateRecords => generateRecords(size, 0x6e4e))

const batchGenerateColumnar: LargeWorkload = {
  kind: 'large',
  id: 'batch-generate-columnar',
  title: (size) => `batch generate, columnar (BatchBuilder), ${count(size)} HOTP-SHA-1 codes`,
  unit: 'code',
  algorithm: 'SHA1',
  compressions: 4,
  size: { full: 1_000_000, quick: 50_000 },
  sample: { full: 100_000, quick: 10_000 },
  baselineJob: (n) => ({ kind: 'generate-batch', count: n, seed: 0xc0de }),
  prepare({ engine, module }, size) {
    const generateColumns = engine.generateColumns?.bind(engine)
    const Builder = module.BatchBuilder
    if (!generateColumns || !Builder || typeof Builder.prototype.addCounter !== 'function') {
      return { reason: 'engine.generateColumns / BatchBuilder.addCounter are not in this build yet' }
    }
    const { secrets, counters, values } = generateInputsOf(size)
    return {
      // Filling the builder is timed too, as in the columnar verification.
      async run() {
        const batch = new Builder({ records: size, keys: size })
        for (let i = 0; i < size; i++) batch.addCounter!(batch.addKey(secrets[i]!), counters[i]!)
        const { status, codes } = await generateColumns(batch)
        if (status.length !== size) throw new Error(`generateColumns answered ${status.length} results`)
        for (let i = 0; i < size; i++) {
          if (status[i] !== 1 || codes[i] !== values[i]) throw new Error(`generateColumns record ${i}: wrong code`)
        }
      },
    }
  },
}

function resyncScan(id: string, algorithm: Algorithm, full: number, quick: number, sample: Sizes): LargeWorkload {
  return {
    kind: 'large',
    id,
    title: (size) => `resync scan, ${count(size)} counters, ${algorithm.replace('SHA', 'SHA-')}`,
    unit: 'counter',
    algorithm,
    compressions: 2,
    size: { full, quick },
    sample,
    baselineJob: (n) => ({ kind: 'resync-scan', count: n, algorithm }),
    prepare({ engine }, size) {
      const resyncHotp = engine.resyncHotp?.bind(engine)
      if (!resyncHotp) return { reason: 'engine.resyncHotp is not in this build yet' }
      const target = scanTarget(size, algorithm)
      return {
        async run() {
          const next = await resyncHotp(target.key, [...target.codes], target.from, { lookAhead: size, algorithm })
          if (next === null || Number(next) !== target.expected) {
            throw new Error(`resyncHotp: expected ${target.expected}, got ${String(next)}`)
          }
        },
      }
    },
  }
}

/** Drops the batch records kept between engines and workloads. */
export function releaseFixtures(): void {
  for (const cache of caches) cache.clear()
}

/** Every workload, in report order. */
export const WORKLOADS: readonly Workload[] = [
  single('hotp', 'SHA1', 'generate one code, HMAC-SHA-1', 'code', 4),
  single('hotp', 'SHA256', 'generate one code, HMAC-SHA-256', 'code', 4),
  single('hotp', 'SHA512', 'generate one code, HMAC-SHA-512', 'code', 4),
  single('verifyHotp', 'SHA1', 'verify one HOTP code, HMAC-SHA-1', 'verification', 4),
  single('verifyHotp', 'SHA256', 'verify one HOTP code, HMAC-SHA-256', 'verification', 4),
  single('verifyHotp', 'SHA512', 'verify one HOTP code, HMAC-SHA-512', 'verification', 4),
  single('verifyTotp', 'SHA1', 'verify one TOTP code, window ±1, HMAC-SHA-1', 'verification', 8),
  batchVerify,
  batchVerifyColumnar,
  batchGenerateColumnar,
  resyncScan('resync-scan-1m', 'SHA1', 1_000_000, 100_000, { full: 200_000, quick: 30_000 }),
  resyncScan('resync-scan-100m', 'SHA1', 100_000_000, 3_000_000, { full: 1_000_000, quick: 30_000 }),
  resyncScan('resync-scan-1m-sha256', 'SHA256', 1_000_000, 100_000, { full: 200_000, quick: 30_000 }),
  resyncScan('resync-scan-1m-sha512', 'SHA512', 1_000_000, 100_000, { full: 200_000, quick: 30_000 }),
]

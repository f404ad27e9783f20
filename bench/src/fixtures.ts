/**
 * The inputs every contender gets: the same keys, counters, times and codes, all computed ahead of
 * timing with the (proven) node:crypto baseline.
 */
import type { Algorithm } from './contender.js'
import { PERIOD } from './contender.js'
import type { TotpRecord } from './otp-wasm.js'
import { nodeHotp } from './peers/node-crypto.js'

/** The algorithms the single-code workloads and the RFC proof cover. */
export const ALGORITHMS: readonly Algorithm[] = ['SHA1', 'SHA256', 'SHA512']

/** The seeds of RFC 6238 appendix B: 20, 32 and 64 ASCII bytes, each a typical key size for its hash. */
export function rfcSeed(algorithm: Algorithm): Uint8Array {
  const length = algorithm === 'SHA1' ? 20 : algorithm === 'SHA256' ? 32 : 64
  return new TextEncoder().encode('1234567890'.repeat(7).slice(0, length))
}

/** How many distinct inputs a single-code workload cycles through (a power of two, for masking). */
export const TABLE_SIZE = 1024

/** Single-code inputs for one algorithm. */
export interface CodeTable {
  readonly key: Uint8Array
  readonly counters: Int32Array
  /** hotp(key, counters[i]). */
  readonly hotpCodes: readonly string[]
  /** Unix times, each in a different 30 s step, mid-step. */
  readonly times: Float64Array
  /** The code one step AHEAD of times[i]: every verifier tries 0 and -1 first, so each computes three HMACs. */
  readonly totpCodes: readonly string[]
}

/** Builds the single-code table of one algorithm. */
export function codeTable(algorithm: Algorithm): CodeTable {
  const key = rfcSeed(algorithm)
  const counters = new Int32Array(TABLE_SIZE)
  const times = new Float64Array(TABLE_SIZE)
  const hotpCodes: string[] = []
  const totpCodes: string[] = []
  let time = 1_700_000_000 + 13
  for (let i = 0; i < TABLE_SIZE; i++) {
    counters[i] = 1_000 + i * 7
    hotpCodes.push(nodeHotp(algorithm, key, counters[i]!))
    let ahead: string | null
    while ((ahead = uniqueAheadCode(algorithm, key, Math.floor(time / PERIOD))) === null) time += PERIOD
    times[i] = time
    totpCodes.push(ahead)
    time += PERIOD
  }
  return { key, counters, hotpCodes, times, totpCodes }
}

/**
 * The code one step ahead of `step`, or null when it equals the code at `step` or one step behind
 * (about one step in 500,000): a verifier would then rightly answer 0 or -1, and the run could not
 * check its answer.
 */
function uniqueAheadCode(algorithm: Algorithm, key: Uint8Array, step: number): string | null {
  const ahead = nodeHotp(algorithm, key, step + 1)
  return ahead === nodeHotp(algorithm, key, step) || ahead === nodeHotp(algorithm, key, step - 1) ? null : ahead
}

/** A small deterministic generator (xorshift32), so that runs are reproducible without a stored file. */
export function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length)
  let state = seed | 1
  for (let i = 0; i < length; i++) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    bytes[i] = state
  }
  return bytes
}

/**
 * 20-byte secrets as a database driver hands them over: a Node Buffer each, read in one go before
 * anything else is computed. Each is its own object (so no engine can detach them all at once),
 * and they lie together in memory as a store's rows do, not scattered among the codes' garbage.
 */
function storedSecrets(bytes: Uint8Array, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => Buffer.from(bytes.subarray(i * 20, i * 20 + 20)))
}

/** First unix time of the batch records. */
const BATCH_EPOCH = 1_700_000_000

/**
 * TOTP-SHA-1 records as a login storm brings them: a distinct 20-byte secret each, window 1, and the
 * code one step ahead (so that every verifier computes all three HMACs and finds delta +1).
 */
export function totpRecords(count: number, seed: number): TotpRecord[] {
  const secrets = storedSecrets(pseudoRandomBytes(count * 20, seed), count)
  const records: TotpRecord[] = new Array(count)
  for (let i = 0; i < count; i++) {
    const secret = secrets[i]!
    let time = BATCH_EPOCH + ((i * 7919) % 86_400)
    let code: string | null
    while ((code = uniqueAheadCode('SHA1', secret, Math.floor(time / PERIOD))) === null) time += PERIOD
    records[i] = { secret, code, time, period: PERIOD, window: 1 }
  }
  return records
}

/** Batch records as columns: the keys back to back in one buffer, and a key index, code and time per record. */
export interface TotpColumnsInput {
  readonly bytes: Uint8Array
  readonly offsets: Uint32Array
  readonly keys: Uint32Array
  readonly codes: readonly string[]
  readonly times: Float64Array
}

/** The same records in columns, key i being record i's secret. */
export function totpColumns(records: readonly TotpRecord[]): TotpColumnsInput {
  const offsets = new Uint32Array(records.length + 1)
  records.forEach((record, i) => (offsets[i + 1] = offsets[i]! + record.secret.length))
  const bytes = new Uint8Array(offsets[records.length]!)
  records.forEach((record, i) => bytes.set(record.secret, offsets[i]))
  return {
    bytes,
    offsets,
    keys: Uint32Array.from(records, (_, i) => i),
    codes: records.map((record) => record.code),
    times: Float64Array.from(records, (record) => record.time),
  }
}

/** HOTP-SHA-1 generation inputs: a distinct 20-byte secret and counter each, with the expected codes. */
export interface GenerateRecords {
  readonly secrets: readonly Uint8Array[]
  readonly counters: Float64Array
  /** The expected 6-digit codes, as strings (what a hand-written loop makes) and as integers (columnar results). */
  readonly codes: readonly string[]
  readonly values: Uint32Array
}

/** Makes `count` generation inputs, deterministic from `seed`. */
export function generateRecords(count: number, seed: number): GenerateRecords {
  const secrets = storedSecrets(pseudoRandomBytes(count * 20, seed), count)
  const counters = new Float64Array(count)
  const codes: string[] = new Array(count)
  const values = new Uint32Array(count)
  for (let i = 0; i < count; i++) {
    counters[i] = (i * 104_729) % 1_000_003
    codes[i] = nodeHotp('SHA1', secrets[i]!, counters[i]!)
    values[i] = Number(codes[i])
  }
  return { secrets, counters, codes, values }
}

/** A resync target: two consecutive codes placed at the END of a scan of `count` counters. */
export interface ScanTarget {
  readonly key: Uint8Array
  readonly from: number
  readonly count: number
  readonly codes: readonly string[]
  /** What resync must answer: the counter the next code will use. */
  readonly expected: number
}

/** Places the target so that a scan over [from, from + count) only finds it at its last counter. */
export function scanTarget(count: number, algorithm: Algorithm = 'SHA1', from = 5_000): ScanTarget {
  const key = rfcSeed(algorithm)
  const first = from + count - 1
  const codes = [nodeHotp(algorithm, key, first), nodeHotp(algorithm, key, first + 1)]
  return { key, from, count, codes, expected: first + 2 }
}

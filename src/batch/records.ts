/**
 * The convenience layer: batches given as arrays of plain objects, packed into columns with each
 * distinct secret stored once.
 */
import { OtpError, describe } from '../core/errors.js'
import type { Algorithm } from '../core/kernel.js'
import { withTokenParams, type PreparedKey } from '../core/prepared.js'
import type { Secret } from '../core/secret.js'
import { BatchBuilder } from './columns.js'

interface RecordBase {
  /**
   * The key: bytes, base32, or a Totp / Hotp (its key prepared once; its digits, period and t0 apply
   * where the record leaves them out).
   */
  secret: Secret | PreparedKey
  digits?: number
  algorithm?: Algorithm
}

/** An HOTP record: `code` checked against `counter ... counter + window`. */
export interface HotpVerifyRecord extends RecordBase {
  code: string
  counter: number | bigint
  window?: number
}

/** A TOTP record: `code` checked against the steps around `time` (unix seconds, default now). */
export interface TotpVerifyRecord extends RecordBase {
  code: string
  time?: number
  period?: number
  t0?: number
  window?: number
}

export type VerifyRecord = HotpVerifyRecord | TotpVerifyRecord

/** A record to generate the HOTP code of `counter`, or the TOTP code at `time` (default now). */
export type GenerateRecord =
  | (RecordBase & { counter: number | bigint })
  | (RecordBase & { time?: number; period?: number; t0?: number })

/**
 * Finds or adds each record's key. A secret repeated by the next record is found without a lookup.
 * Base32 text is also remembered by value, since decoding it costs more than a lookup; bytes are not
 * looked up by identity, since a map of them costs more than the key setup it would save. Text is
 * remembered for the last KEY_MEMORY records only: kernels prepare keys per chunk of records anyway.
 */
class KeyTable {
  private readonly byAlgorithm = new Map<unknown, Map<string, number>>()
  private remembered = 0
  private lastSecret: unknown = undefined
  private lastAlgorithm: unknown = undefined
  private lastIndex = -1
  constructor(private readonly builder: BatchBuilder) {}

  indexOf(secret: Secret | PreparedKey, algorithm: Algorithm | undefined): number {
    if (secret === this.lastSecret && algorithm === this.lastAlgorithm) return this.lastIndex
    const index = typeof secret === 'string' ? this.textIndex(secret, algorithm) : this.builder.addKey(secret, algorithm)
    this.lastSecret = secret
    this.lastAlgorithm = algorithm
    return (this.lastIndex = index)
  }

  private textIndex(secret: string, algorithm: Algorithm | undefined): number {
    if (++this.remembered > KEY_MEMORY) {
      this.byAlgorithm.clear()
      this.remembered = 1
    }
    let keys = this.byAlgorithm.get(algorithm)
    if (keys === undefined) this.byAlgorithm.set(algorithm, (keys = new Map()))
    let index = keys.get(secret)
    if (index === undefined) keys.set(secret, (index = this.builder.addKey(secret, algorithm)))
    return index
  }
}

const KEY_MEMORY = 65_536

/**
 * Records [start, end) of an array, and `first`: the number of records[start] in the caller's whole
 * batch (or stream), which is how an error names a record.
 */
export interface RecordRange<R> {
  readonly records: readonly R[]
  readonly start: number
  readonly end: number
  readonly first: number
}

/**
 * Packs a range of records into a builder (an empty one given, or a new one), each distinct secret
 * once; a record that is not even an object is settled with its error, and `add` packs the others.
 */
function packRecords<R extends RecordBase>(
  { records, start, end, first }: RecordRange<R>,
  builder: BatchBuilder | undefined,
  add: (builder: BatchBuilder, key: number, record: R) => void,
): BatchBuilder {
  builder ??= new BatchBuilder({ records: end - start, keys: Math.min(end - start, KEY_MEMORY) })
  const keys = new KeyTable(builder)
  for (let i = start; i < end; i++) {
    const record = records[i]!
    if (record === null || typeof record !== 'object') {
      builder.addSettled(new OtpError('INVALID_RECORD', `record ${first + i - start} must be an object, got ${describe(record)}`))
      continue
    }
    add(builder, keys.indexOf(record.secret, record.algorithm), record)
  }
  return builder
}

/** Packs verify records. */
export function packVerifyRecords(range: RecordRange<VerifyRecord>, into?: BatchBuilder): BatchBuilder {
  return packRecords(range, into, (builder, key, given) => {
    const record = withTokenParams(given)
    if ('counter' in record) builder.addHotp(key, record.code, record.counter, record)
    else builder.addTotp(key, record.code, record.time ?? Date.now() / 1000, record)
  })
}

/** Packs generate records: HOTP at a counter, or TOTP at a time. */
export function packGenerateRecords(range: RecordRange<GenerateRecord>, into?: BatchBuilder): BatchBuilder {
  return packRecords(range, into, (builder, key, given) => {
    const record = withTokenParams(given)
    if ('counter' in record) builder.addCounter(key, record.counter, record.digits)
    else builder.addTime(key, record.time ?? Date.now() / 1000, record)
  })
}

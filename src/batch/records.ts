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
export type GenerateRecord = (RecordBase & { counter: number | bigint }) | (RecordBase & { time?: number; period?: number; t0?: number })

/**
 * Finds or adds each record's key. A secret repeated by the next record is found without a lookup:
 * text always (a string cannot change), bytes only when `sameBytes` says that the records are all
 * read in one stretch (a stream's source may refill one Buffer for every record, and the same array
 * then holds another key). Base32 text is also remembered by value, since decoding it costs more
 * than a lookup; bytes are not looked up by identity, since a map of them costs more than the key
 * setup it would save. Text is remembered for the last KEY_MEMORY records only: kernels prepare keys
 * per chunk of records anyway.
 */
class KeyTable {
  private readonly byAlgorithm = new Map<unknown, Map<string, number>>()
  private remembered = 0
  private lastSecret: unknown = undefined
  private lastAlgorithm: unknown = undefined
  private lastIndex = -1
  constructor(
    private readonly builder: BatchBuilder,
    private readonly sameBytes: boolean,
  ) {}

  indexOf(secret: Secret | PreparedKey, algorithm: Algorithm | undefined): number {
    if (secret === this.lastSecret && algorithm === this.lastAlgorithm) return this.lastIndex
    const text = typeof secret === 'string'
    const index = text ? this.textIndex(secret, algorithm) : this.builder.addKey(secret, algorithm)
    if (text || this.sameBytes) {
      this.lastSecret = secret
      this.lastAlgorithm = algorithm
      this.lastIndex = index
    } else {
      this.lastSecret = undefined
    }
    return index
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

type AddRecord<R> = (builder: BatchBuilder, key: number, record: R) => void

/**
 * Packs records into a builder one at a time, each distinct secret once, reading each record once,
 * when it is taken: what a record refers to (its secret's bytes) is copied into the builder then,
 * so the caller may reuse its objects and buffers at once. A record that is not an object, or whose
 * reading throws (a getter, a Proxy trap), is settled with OtpError('INVALID_RECORD'); the others
 * are packed.
 */
export class RecordPacker<R extends RecordBase> {
  private readonly keys: KeyTable

  constructor(
    readonly builder: BatchBuilder,
    private readonly add: AddRecord<R>,
    sameBytes: boolean,
  ) {
    this.keys = new KeyTable(builder, sameBytes)
  }

  /** Packs `record`, number `number` of the caller's batch or stream (for messages). */
  take(record: R, number: number): void {
    const builder = this.builder
    if (record === null || typeof record !== 'object') {
      builder.addSettled(new OtpError('INVALID_RECORD', `record ${number} must be an object, got ${describe(record)}`))
      return
    }
    const before = builder.size
    try {
      this.add(builder, this.keys.indexOf(record.secret, record.algorithm), record)
    } catch (error) {
      // The builder keeps its own errors; a throw here came from reading the record itself.
      if (builder.size !== before) throw error
      builder.addSettled(unreadable(number, error))
    }
  }

  /** Packs `records[i]`; an element whose reading throws is settled as take() settles a record. */
  takeAt(records: readonly R[], i: number, number: number): void {
    let record: R
    try {
      record = records[i]!
    } catch (error) {
      this.builder.addSettled(unreadable(number, error))
      return
    }
    this.take(record, number)
  }
}

/** The error of a record whose reading threw; the thrown error's message is not echoed. */
function unreadable(number: number, error: unknown): OtpError {
  const kind = error instanceof Error ? error.name : typeof error
  return new OtpError('INVALID_RECORD', `record ${number} could not be read (reading it threw ${kind})`)
}

/** Adds a verify record: HOTP with a counter, else TOTP. The record is its own options. */
const addVerify: AddRecord<VerifyRecord> = (builder, key, given) => {
  const record = withTokenParams(given)
  if ('counter' in record) builder.hotpRecord(key, record.code, record.counter, record)
  else builder.totpRecord(key, record.code, record.time ?? Date.now() / 1000, record)
}

/** Adds a generate record: HOTP at a counter, or TOTP at a time. */
const addGenerate: AddRecord<GenerateRecord> = (builder, key, given) => {
  const record = withTokenParams(given)
  if ('counter' in record) builder.addCounter(key, record.counter, record.digits)
  else builder.timeRecord(key, record.time ?? Date.now() / 1000, record)
}

/** A packer of verify records into `builder`; `sameBytes`, see KeyTable. */
export function verifyPacker(builder: BatchBuilder, sameBytes: boolean): RecordPacker<VerifyRecord> {
  return new RecordPacker(builder, addVerify, sameBytes)
}

/** Packs a range of records into a builder (an empty one given, or a new one), in one stretch. */
function packRecords<R extends RecordBase>(range: RecordRange<R>, builder: BatchBuilder | undefined, add: AddRecord<R>): BatchBuilder {
  const { records, start, end, first } = range
  builder ??= new BatchBuilder({ records: end - start, keys: Math.min(end - start, KEY_MEMORY) })
  const packer = new RecordPacker(builder, add, true)
  for (let i = start; i < end; i++) packer.takeAt(records, i, first + i - start)
  return builder
}

/** Packs verify records. */
export function packVerifyRecords(range: RecordRange<VerifyRecord>, into?: BatchBuilder): BatchBuilder {
  return packRecords(range, into, addVerify)
}

/** Packs generate records: HOTP at a counter, or TOTP at a time. */
export function packGenerateRecords(range: RecordRange<GenerateRecord>, into?: BatchBuilder): BatchBuilder {
  return packRecords(range, into, addGenerate)
}

/**
 * The convenience layer: batches given as arrays of plain objects, packed into columns with each
 * distinct secret stored once.
 */
import { OtpError, describe } from '../errors.js'
import type { Algorithm } from '../kernel.js'
import type { Secret } from '../secret.js'
import { checkTimeStep } from '../validate.js'
import { BatchBuilder } from './columns.js'

interface RecordBase {
  secret: Secret
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
 * Stores each distinct (secret, algorithm) once: by value for base32 text, by identity for bytes.
 * It remembers the keys of the last KEY_MEMORY records only: kernels prepare keys per chunk of records
 * anyway, and small maps stay fast where a million-entry one would cost more than the key setups it saves.
 */
class KeyTable {
  private readonly byAlgorithm = new Map<unknown, Map<unknown, number>>()
  private remembered = 0
  constructor(private readonly builder: BatchBuilder) {}

  indexOf(secret: Secret, algorithm: Algorithm | undefined): number {
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

function recordError(record: unknown, i: number): OtpError | undefined {
  if (record === null || typeof record !== 'object') {
    return new OtpError('INVALID_RECORD', `record ${i} must be an object, got ${describe(record)}`)
  }
  return undefined
}

/** Packs verify records; a record that is not even an object is settled with its error. */
export function packVerifyRecords(records: readonly VerifyRecord[]): BatchBuilder {
  const builder = new BatchBuilder()
  const keys = new KeyTable(builder)
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!
    const error = recordError(record, i)
    if (error) {
      builder.addSettled(error)
      continue
    }
    const key = keys.indexOf(record.secret, record.algorithm)
    if ('counter' in record) builder.addHotp(key, record.code, record.counter, record)
    else builder.addTotp(key, record.code, record.time ?? Date.now() / 1000, record)
  }
  return builder
}

/** Packs generate records; a TOTP record becomes the HOTP of its time step. */
export function packGenerateRecords(records: readonly GenerateRecord[]): BatchBuilder {
  const builder = new BatchBuilder()
  const keys = new KeyTable(builder)
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!
    const error = recordError(record, i)
    if (error) {
      builder.addSettled(error)
      continue
    }
    const key = keys.indexOf(record.secret, record.algorithm)
    if ('counter' in record) {
      builder.addCounter(key, record.counter, record.digits)
      continue
    }
    let step: number
    try {
      step = checkTimeStep(record.time, record.period, record.t0)
    } catch (stepError) {
      builder.addSettled(stepError as OtpError)
      continue
    }
    builder.addCounter(key, step, record.digits)
  }
  return builder
}

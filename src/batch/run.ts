/**
 * Puts the results of a built batch's packed rows back in record order, with the errors of the
 * records settled before packing.
 */
import { OtpError } from '../core/errors.js'
import { NO_MATCH } from '../core/kernel.js'
import { formatCode } from '../core/otp.js'
import type { PreparedBatch, Settled } from './columns.js'

/** A record's status in a columnar result. */
export const NO_MATCH_STATUS = 0
export const MATCH_STATUS = 1
export const INVALID_STATUS = 2

/** The columnar result of a verification: typed arrays, one entry per record, in order. */
export interface VerifyColumnsResult {
  /** MATCH_STATUS (1), NO_MATCH_STATUS (0), or INVALID_STATUS (2) for a bad record. */
  readonly status: Uint8Array
  /** The matched delta where status is MATCH_STATUS, else 0. */
  readonly delta: Int32Array
  /** The OtpError of each bad record, by record index. */
  readonly errors: ReadonlyMap<number, OtpError>
}

/** The columnar result of a generation: codes as integers (format with `digits` to keep leading zeros). */
export interface GenerateColumnsResult {
  /** The code's value where status is MATCH_STATUS (1, "computed"); INVALID_STATUS (2) for a bad record. */
  readonly status: Uint8Array
  readonly codes: Uint32Array
  readonly errors: ReadonlyMap<number, OtpError>
}

function scatter(
  prepared: PreparedBatch,
  rowValues: Int32Array | Uint32Array,
  rowStatus: (value: number) => number,
  out: Int32Array | Uint32Array,
): { status: Uint8Array; errors: Map<number, OtpError> } {
  const status = new Uint8Array(prepared.size)
  const errors = new Map<number, OtpError>()
  const { rowRecord } = prepared
  for (let r = 0; r < rowValues.length; r++) {
    const record = rowRecord ? rowRecord[r]! : r
    const value = rowValues[r]!
    status[record] = rowStatus(value)
    out[record] = status[record] === MATCH_STATUS ? value : 0
  }
  prepared.settled.forEach((outcome: Settled, record) => {
    if (outcome instanceof OtpError) {
      status[record] = INVALID_STATUS
      errors.set(record, outcome)
    }
  })
  return { status, errors }
}

const deltaStatus = (delta: number) => (delta === NO_MATCH ? NO_MATCH_STATUS : MATCH_STATUS)
const codeStatus = () => MATCH_STATUS

/** The columnar result of a verification, in record order, from the deltas of its packed rows. */
export function verifyRows(prepared: PreparedBatch, rows: Int32Array): VerifyColumnsResult {
  const delta = prepared.rowRecord ? new Int32Array(prepared.size) : rows
  const { status, errors } = scatter(prepared, rows, deltaStatus, delta)
  return { status, delta, errors }
}

/** The columnar result of a generation, in record order, from the codes of its packed rows. */
export function generateRows(prepared: PreparedBatch, rows: Uint32Array): GenerateColumnsResult {
  const codes = prepared.rowRecord ? new Uint32Array(prepared.size) : rows
  const { status, errors } = scatter(prepared, rows, codeStatus, codes)
  return { status, codes, errors }
}

/** Writes verify results as the convenience layer gives them (delta, null, or the record's OtpError) into `out` from `at`. */
export function verifyResults(result: VerifyColumnsResult, out: Array<number | null | OtpError>, at: number): void {
  const { status, delta, errors } = result
  for (let i = 0; i < status.length; i++) {
    const s = status[i]
    out[at + i] = s === MATCH_STATUS ? delta[i]! : s === NO_MATCH_STATUS ? null : errors.get(i)!
  }
}

/** Writes generate results (strings with their leading zeros, or the record's OtpError) into `out` from `at`. */
export function generateResults(result: GenerateColumnsResult, prepared: PreparedBatch, out: Array<string | OtpError>, at: number): void {
  const { rowRecord, packed } = prepared
  for (let r = 0; r < packed.count; r++) {
    const record = rowRecord ? rowRecord[r]! : r
    out[at + record] = formatCode(result.codes[record]!, packed.digits[r]!)
  }
  result.errors.forEach((error, record) => (out[at + record] = error))
}

/**
 * The shapes of columnar input (BatchBuilder.addKeys, addHotpColumns, addTotpColumns), checked once
 * per call: what is wrong with the call as a whole throws; what is wrong with one key or record is
 * kept for that key or record.
 */
import { OtpError, describe } from '../core/errors.js'
import { MAX_SECRET_BYTES } from '../core/secret.js'
import { parseCode } from '../core/validate.js'

/**
 * Codes of a column: strings of `digits` digits, as users type them, or their integer values. An
 * integer has lost its leading zeros: 12345 is the 6-digit code "012345", so check the length of
 * typed text before turning it into a number (or pass the strings).
 */
export type CodeColumn = readonly string[] | Uint32Array

/** HOTP records in columns: record i is key `keys[i]`, code `codes[i]`, counter `counters[i]`. */
export interface HotpColumns {
  /** Key indexes, as addKey / addKeys returned them. */
  readonly keys: ArrayLike<number>
  readonly codes: CodeColumn
  /** Counters: safe integers (a Float64Array, say), or bigints (a BigUint64Array) for any 64-bit counter. */
  readonly counters: ArrayLike<number> | ArrayLike<bigint>
}

/** TOTP records in columns: record i is key `keys[i]`, code `codes[i]`, unix time `times[i]`. */
export interface TotpColumns {
  /** Key indexes, as addKey / addKeys returned them. */
  readonly keys: ArrayLike<number>
  readonly codes: CodeColumn
  /** Unix seconds (a Float64Array, say). */
  readonly times: ArrayLike<number>
}

const isColumn = (value: unknown): value is ArrayLike<unknown> =>
  Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))

/** A call's columns, each read once from the caller's object: `values` are its counters or times. */
export interface ReadColumns {
  readonly n: number
  readonly keys: ArrayLike<number>
  readonly codes: CodeColumn
  readonly values: ArrayLike<number> | ArrayLike<bigint>
}

/**
 * A typed column as the library's own copy (one copy, not a loop), so that nothing another thread
 * writes into shared memory meanwhile, or the caller after the call, is read; a plain array as it
 * is, since its entries are each read once, and checked, as its records are added.
 */
function own<T>(column: T): T {
  // %TypedArray%.prototype.slice, not the column's own: Buffer.prototype.slice returns a view.
  return ArrayBuffer.isView(column) ? (typedSlice.call(column as unknown as Uint8Array) as unknown as T) : column
}

const typedSlice = (Object.getPrototypeOf(Uint8Array.prototype) as Uint8Array).slice

/**
 * Reads `columns` once: its `keys`, `codes` and `values` columns (counters or times) must be arrays
 * or typed arrays of one length; typed ones are copied.
 * @throws OtpError('INVALID_RECORD') when a column is missing or the lengths differ.
 */
export function readColumns(columns: object, values: 'counters' | 'times'): ReadColumns {
  if (columns === null || typeof columns !== 'object') {
    throw new OtpError('INVALID_RECORD', `columns must be an object of keys, codes and ${values}, got ${describe(columns)}`)
  }
  const named = columns as Record<string, unknown>
  const names = ['keys', 'codes', values]
  const read = names.map((name) => {
    const column = named[name]
    if (!isColumn(column)) {
      throw new OtpError('INVALID_RECORD', `columns.${name} must be an array or a typed array, got ${describe(column)}`)
    }
    return own(column)
  })
  const n = read[0]!.length
  read.forEach((column, i) => {
    if (column.length !== n) throw new OtpError('INVALID_RECORD', `columns.${names[i]} has ${column.length} entries, columns.keys has ${n}`)
  })
  return {
    n,
    keys: read[0] as ArrayLike<number>,
    codes: read[1] as unknown as CodeColumn,
    values: read[2] as ArrayLike<number> | ArrayLike<bigint>,
  }
}

/** Record i's code as an integer, or -1 when it can never match (as parseCode answers). */
export function codeAt(codes: CodeColumn, i: number, digits: number): number {
  if (codes instanceof Uint32Array) {
    const value = codes[i]!
    return value < 10 ** digits && value <= 0x7fff_ffff ? value : -1
  }
  return parseCode(codes[i], digits)
}

/**
 * Reads key offsets once into the library's own array: a typed array in one copy, a plain array
 * element by element (each read once, each checked to be a whole number).
 * @throws OtpError('INVALID_RECORD') when `offsets` is not a non-empty column of whole numbers.
 */
export function readOffsets(offsets: unknown): Float64Array {
  if (!isColumn(offsets)) {
    throw new OtpError(
      'INVALID_RECORD',
      `key offsets must be a non-empty array or typed array (n keys take n + 1), got ${describe(offsets)}`,
    )
  }
  let own: Float64Array
  if (Array.isArray(offsets)) {
    const count = offsets.length
    own = new Float64Array(count)
    for (let i = 0; i < count; i++) {
      const offset: unknown = offsets[i]
      if (typeof offset !== 'number') {
        throw new OtpError('INVALID_RECORD', `key offsets[${i}] must be a whole number, got ${describe(offset)}`)
      }
      own[i] = offset
    }
  } else if (offsets instanceof BigInt64Array || offsets instanceof BigUint64Array) {
    throw new OtpError('INVALID_RECORD', `key offsets must hold numbers, got ${describe(offsets)}`)
  } else {
    own = new Float64Array(offsets as ArrayLike<number>)
  }
  if (own.length === 0) {
    throw new OtpError('INVALID_RECORD', 'key offsets must be a non-empty array or typed array (n keys take n + 1), got an empty one')
  }
  for (let i = 0; i < own.length; i++) {
    const offset = own[i]!
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new OtpError('INVALID_RECORD', `key offsets[${i}] must be a whole number, got ${describe(offset)}`)
    }
  }
  return own
}

/** The bytes of keys stored back to back: a Uint8Array. */
export function checkKeyBytes(bytes: unknown): Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new OtpError('INVALID_SECRET', `keys' bytes must be a Uint8Array, got ${describe(bytes)}`)
  }
  return bytes
}

/**
 * Checks keys stored back to back (key i is `bytes.subarray(offsets[i], offsets[i + 1])`, with the
 * offsets the library's own copy, readOffsets) and answers the problem of each bad key by its index:
 * empty, longer than MAX_SECRET_BYTES, or outside `bytes`.
 * @throws OtpError when `bytes` is not a Uint8Array.
 */
export function checkKeyColumns(bytes: unknown, at: Float64Array): Map<number, OtpError> {
  const length = checkKeyBytes(bytes).length
  const problems = new Map<number, OtpError>()
  for (let i = 0; i + 1 < at.length; i++) {
    const start = at[i]!
    const end = at[i + 1]!
    if (end > length || start > end) {
      problems.set(i, new OtpError('INVALID_SECRET', `key ${i} of the call spans bytes ${start} to ${end} of ${length}`))
    } else if (end === start || end - start > MAX_SECRET_BYTES) {
      problems.set(i, new OtpError('INVALID_SECRET', `secret must be 1 to ${MAX_SECRET_BYTES} bytes, got ${end - start} bytes`))
    }
  }
  return problems
}

/**
 * One line of an `otp batch` input, NDJSON or CSV, read into the fields of a verification record.
 * A line that cannot be read becomes a BadLine: an OtpError for that line alone, with the record's id
 * when it has a readable one, so that its result can still be joined to it. Messages never quote the
 * line, which holds a secret.
 */
import { OtpError } from '../../core/errors.js'

/** The input formats `otp batch` reads. */
export const BATCH_FORMATS = ['ndjson', 'csv'] as const
export type BatchFormat = (typeof BATCH_FORMATS)[number]

/** The fields a record may have; any other field or column is ignored. */
export const RECORD_FIELDS = ['id', 'secret', 'code', 'counter', 'time', 'period', 't0', 'window', 'digits', 'algorithm'] as const

/**
 * A line's record, its values checked for type but not for range (the library does that). Fields
 * not named here may be present too, and are ignored.
 */
export interface LineRecord {
  /** Echoed in the result, so that results can be joined to records without counting lines. */
  id?: string | number
  /** base32, hex:..., text:..., or an otpauth:// URI. */
  secret: string
  code: string
  /** Present: HOTP. Absent: TOTP. */
  counter?: number | bigint
  time?: number
  period?: number
  t0?: number
  window?: number
  digits?: number
  algorithm?: string
}

/** A line that is not a record: its error, and its id when it has a readable one. */
export interface BadLine {
  readonly error: OtpError
  readonly id?: string | number
}

const NUMBER_FIELDS = ['time', 'period', 't0', 'window', 'digits'] as const

function invalid(message: string): OtpError {
  return new OtpError('INVALID_RECORD', message)
}

/** Reads an NDJSON line: one JSON object. */
export function readJsonLine(line: string): LineRecord | BadLine {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    // JSON.parse's own message quotes the text, which holds the secret.
    return { error: invalid('line is not valid JSON') }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { error: invalid('line must be a JSON object with "secret" and "code"') }
  }
  return toRecord(value as Record<string, unknown>)
}

/**
 * Reads a CSV header into the index of each known column. Column names are matched in any letter
 * case; `secret` and `code` are required.
 */
export function readCsvHeader(line: string): Map<string, number> | OtpError {
  const cells = splitCsvLine(line)
  if (!Array.isArray(cells)) return cells.error
  const columns = new Map<string, number>()
  cells.forEach((cell, i) => {
    const name = cell.trim().toLowerCase()
    if ((RECORD_FIELDS as readonly string[]).includes(name) && !columns.has(name)) columns.set(name, i)
  })
  for (const required of ['secret', 'code']) {
    if (!columns.has(required)) {
      return invalid(`the CSV header must name a '${required}' column (columns: ${RECORD_FIELDS.join(', ')})`)
    }
  }
  return columns
}

/** Reads a CSV line with the columns of its header. Empty cells are absent fields. */
export function readCsvLine(line: string, columns: ReadonlyMap<string, number>): LineRecord | BadLine {
  const cells = splitCsvLine(line)
  if (!Array.isArray(cells)) return cells
  const fields: Record<string, unknown> = {}
  for (const [name, index] of columns) {
    const cell = cells[index]
    if (cell !== undefined && cell !== '') fields[name] = cell
  }
  return toRecord(fields)
}

/** Splits one CSV line (RFC 4180: commas, double quotes, "" inside quotes). */
export function splitCsvLine(line: string): string[] | BadLine {
  const cells: string[] = []
  let i = 0
  for (;;) {
    if (line[i] === '"') {
      let cell = ''
      i++
      for (;;) {
        const quote = line.indexOf('"', i)
        if (quote < 0) return { error: invalid('CSV line has a quoted field without its closing quote') }
        cell += line.slice(i, quote)
        i = quote + 1
        if (line[i] !== '"') break
        cell += '"'
        i++
      }
      cells.push(cell)
      if (i < line.length && line[i] !== ',') return { error: invalid('CSV line has text after a closing quote') }
    } else {
      const comma = line.indexOf(',', i)
      cells.push(line.slice(i, comma < 0 ? line.length : comma).trim())
      i = comma < 0 ? line.length : comma
    }
    if (i >= line.length) return cells
    i++ // the comma
  }
}

/**
 * Checks the types of a record's fields; numbers may be given as strings (CSV has nothing else). The
 * id is read first, so that a record's error still names it. The fields are normalised in place
 * (the object is the caller's own, fresh from JSON.parse or a CSV line): a record costs no copy.
 */
function toRecord(fields: Record<string, unknown>): LineRecord | BadLine {
  const { secret, code, id, algorithm } = fields
  if (id !== undefined && typeof id !== 'string' && typeof id !== 'number')
    return { error: invalid('record "id" must be a string or a number') }
  const bad = (error: OtpError): BadLine => (id === undefined ? { error } : { error, id })
  if (typeof secret !== 'string' || secret === '') return bad(invalid('record needs "secret": a non-empty string'))
  if (code === undefined) return bad(invalid('record needs "code": a string of digits'))
  if (typeof code !== 'string') {
    return bad(new OtpError('INVALID_CODE', 'record "code" must be a string, so that leading zeros survive'))
  }
  if (algorithm !== undefined && typeof algorithm !== 'string') {
    return bad(invalid('record "algorithm" must be a string: SHA1, SHA256 or SHA512'))
  }
  const counter = fields.counter
  if (counter === null) delete fields.counter
  else if (counter !== undefined && typeof counter !== 'number') {
    const value = toCounter(counter)
    if (value instanceof OtpError) return bad(value)
    fields.counter = value
  }
  for (const name of NUMBER_FIELDS) {
    const value = fields[name]
    if (value === undefined || typeof value === 'number') continue
    if (value === null) {
      delete fields[name]
      continue
    }
    const number = typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN
    if (Number.isNaN(number)) return bad(invalid(`record "${name}" must be a number`))
    fields[name] = number
  }
  return fields as unknown as LineRecord
}

/** A counter: a decimal string (which keeps counters above 2^53 exact). */
function toCounter(value: unknown): number | bigint | OtpError {
  if (typeof value === 'string' && /^\d{1,20}$/.test(value.trim())) {
    const big = BigInt(value.trim())
    return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big
  }
  return new OtpError('INVALID_COUNTER', 'record "counter" must be a whole number from 0 to 2^64 - 1 (a decimal string above 2^53 - 1)')
}

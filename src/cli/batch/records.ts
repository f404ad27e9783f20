/**
 * One line of an `otp batch` input, NDJSON or CSV, read into the fields of a verification record.
 * A line that cannot be read becomes an OtpError for that line alone. Messages never quote the line,
 * which holds a secret.
 */
import { OtpError } from '../../core/errors.js'

/** The input formats `otp batch` reads. */
export const BATCH_FORMATS = ['ndjson', 'csv'] as const
export type BatchFormat = (typeof BATCH_FORMATS)[number]

/** The fields a record may have; any other field or column is ignored. */
export const RECORD_FIELDS = ['id', 'secret', 'code', 'counter', 'time', 'period', 't0', 'window', 'digits', 'algorithm'] as const

/** A line's record, its values checked for type but not for range (the library does that). */
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

const NUMBER_FIELDS = ['time', 'period', 't0', 'window', 'digits'] as const

function invalid(message: string): OtpError {
  return new OtpError('INVALID_RECORD', message)
}

/** Reads an NDJSON line: one JSON object. */
export function readJsonLine(line: string): LineRecord | OtpError {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    // JSON.parse's own message quotes the text, which holds the secret.
    return invalid('line is not valid JSON')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return invalid('line must be a JSON object with "secret" and "code"')
  }
  return toRecord(value as Record<string, unknown>)
}

/**
 * Reads a CSV header into the index of each known column. Column names are matched in any letter
 * case; `secret` and `code` are required.
 */
export function readCsvHeader(line: string): Map<string, number> | OtpError {
  const cells = splitCsvLine(line)
  if (cells instanceof OtpError) return cells
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
export function readCsvLine(line: string, columns: ReadonlyMap<string, number>): LineRecord | OtpError {
  const cells = splitCsvLine(line)
  if (cells instanceof OtpError) return cells
  const fields: Record<string, unknown> = {}
  for (const [name, index] of columns) {
    const cell = cells[index]
    if (cell !== undefined && cell !== '') fields[name] = cell
  }
  return toRecord(fields)
}

/** Splits one CSV line (RFC 4180: commas, double quotes, "" inside quotes). */
export function splitCsvLine(line: string): string[] | OtpError {
  const cells: string[] = []
  let i = 0
  for (;;) {
    if (line[i] === '"') {
      let cell = ''
      i++
      for (;;) {
        const quote = line.indexOf('"', i)
        if (quote < 0) return invalid('CSV line has a quoted field without its closing quote')
        cell += line.slice(i, quote)
        i = quote + 1
        if (line[i] !== '"') break
        cell += '"'
        i++
      }
      cells.push(cell)
      if (i < line.length && line[i] !== ',') return invalid('CSV line has text after a closing quote')
    } else {
      const comma = line.indexOf(',', i)
      cells.push(line.slice(i, comma < 0 ? line.length : comma).trim())
      i = comma < 0 ? line.length : comma
    }
    if (i >= line.length) return cells
    i++ // the comma
  }
}

/** Checks the types of a record's fields; numbers may be given as strings (CSV has nothing else). */
function toRecord(fields: Record<string, unknown>): LineRecord | OtpError {
  const { secret, code, id, algorithm } = fields
  if (typeof secret !== 'string' || secret === '') return invalid('record needs "secret": a non-empty string')
  if (code === undefined) return invalid('record needs "code": a string of digits')
  if (typeof code !== 'string') {
    return new OtpError('INVALID_CODE', 'record "code" must be a string, so that leading zeros survive')
  }
  const record: LineRecord = { secret, code }
  if (id !== undefined) {
    if (typeof id !== 'string' && typeof id !== 'number') return invalid('record "id" must be a string or a number')
    record.id = id
  }
  if (algorithm !== undefined) {
    if (typeof algorithm !== 'string') return invalid('record "algorithm" must be a string: SHA1, SHA256 or SHA512')
    record.algorithm = algorithm
  }
  if (fields.counter !== undefined && fields.counter !== null) {
    const counter = toCounter(fields.counter)
    if (counter instanceof OtpError) return counter
    record.counter = counter
  }
  for (const name of NUMBER_FIELDS) {
    const value = fields[name]
    if (value === undefined || value === null) continue
    const number = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN
    if (Number.isNaN(number)) return invalid(`record "${name}" must be a number`)
    record[name] = number
  }
  return record
}

/** A counter: a number, or a decimal string (which keeps counters above 2^53 exact). */
function toCounter(value: unknown): number | bigint | OtpError {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && /^\d{1,20}$/.test(value.trim())) {
    const big = BigInt(value.trim())
    return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big
  }
  return new OtpError('INVALID_COUNTER', 'record "counter" must be a whole number from 0 to 2^64 - 1 (a decimal string above 2^53 - 1)')
}

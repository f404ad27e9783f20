/**
 * Seed files: the CSV that token vendors ship with hardware tokens and that identity providers
 * import (one row per token: serial, secret, type, digits, counter or period, algorithm).
 *
 * The header row names the columns, in any order and letter case, with the common aliases
 * (`seed`, `key`, `secret`; `serialno`; `length`; `timestep`; ...). Columns may be separated by
 * commas, semicolons or tabs (the header decides); fields may be quoted as RFC 4180 says. A secret is
 * hex or base32: the column name may say which (`secret_hex`, `seed_base32`, ...), else an
 * `encoding` column, else the caller's `secretEncoding`, else the value itself when only one
 * reading is possible (a value that is valid in both is refused rather than guessed).
 */
import { base32Decode, base32Encode } from '../core/base32.js'
import { OtpError, describe } from '../core/errors.js'
import { checkToken, readToken, type Token } from './token.js'

/** The largest seed file read: 64 MiB of text. */
export const MAX_SEED_CSV_LENGTH = 64 * 1024 * 1024
/** Errors listed in one message; the rest are counted. */
const LISTED_ERRORS = 10

export type SecretEncoding = 'hex' | 'base32'

export interface ParseSeedCsvOptions {
  /** How to read secrets whose column name and row do not say: default, by the value where unambiguous. */
  secretEncoding?: SecretEncoding
}

export interface BuildSeedCsvOptions {
  /** How to write secrets: 'hex' (default, what vendor seed files use) or 'base32'. */
  secretEncoding?: SecretEncoding
}

type Column =
  | 'id'
  | 'serial'
  | 'issuer'
  | 'account'
  | 'type'
  | 'algorithm'
  | 'digits'
  | 'counter'
  | 'period'
  | 'drift'
  | 'secret'
  | 'encoding'
  | 'manufacturer'

/** Header names (lowercase, without spaces, '-' or '_') and the column each means. */
const ALIASES: Record<string, Column> = {}
for (const [column, names] of Object.entries({
  id: ['id', 'keyid', 'tokenid'],
  serial: ['serial', 'serialno', 'serialnumber', 'sn', 'tokenserial'],
  issuer: ['issuer'],
  account: ['account', 'user', 'username', 'userid', 'login', 'email', 'label', 'name'],
  type: ['type', 'otptype', 'tokentype', 'mode'],
  algorithm: ['algorithm', 'algo', 'hash', 'hmac', 'hashalgorithm'],
  digits: ['digits', 'length', 'otplength', 'codelength'],
  counter: ['counter', 'eventcounter', 'movingfactor'],
  period: ['period', 'timestep', 'interval', 'timeinterval', 'step'],
  drift: ['drift', 'timedrift'],
  secret: ['secret', 'seed', 'key', 'secretkey', 'otpkey', 'tokenseed'],
  encoding: ['encoding', 'secretencoding', 'seedencoding', 'keyencoding'],
  manufacturer: ['manufacturer', 'vendor'],
} satisfies Record<Column, string[]>)) {
  for (const name of names) ALIASES[name] = column as Column
}

/**
 * Reads a seed CSV file into tokens.
 *
 * Needs a header row and a secret column. Per row: `type` hotp or totp (default: totp, or hotp when
 * the row has a counter and no period), `algorithm` SHA1/SHA256/SHA512 (default SHA1, 'HMAC-' and
 * '-' allowed), `digits` (default 6), `counter` (HOTP, default 0), `period` (TOTP, default 30).
 * Blank lines and lines starting with '#' are skipped.
 *
 * @throws OtpError INVALID_CSV: one error for the whole file, listing each bad row by its line
 *   number and what is wrong (never the secret); `cause` is an AggregateError of every row's error.
 */
export function parseSeedCsv(text: string, options: ParseSeedCsvOptions = {}): Token[] {
  if (typeof text !== 'string') throw invalid(`expected the file as a string, got ${describe(text)}`)
  if (text.length > MAX_SEED_CSV_LENGTH)
    throw invalid(`the file is ${text.length} characters long, above the limit of ${MAX_SEED_CSV_LENGTH}`)
  const fallback = options?.secretEncoding
  if (fallback !== undefined && fallback !== 'hex' && fallback !== 'base32') {
    throw new OtpError('INVALID_OPTIONS', `parseSeedCsv: secretEncoding must be 'hex' or 'base32', got ${describe(fallback)}`)
  }
  const rows = readRows(text.replace(/^\uFEFF/, ''))
  const header = rows.next()
  if (header.done) throw invalid('the file is empty: expected a header row naming the columns')
  const { columns, secretEncoding: headerEncoding } = readHeader(header.value)

  const tokens: Token[] = []
  const errors: OtpError[] = []
  for (const { line, fields } of rows) {
    try {
      tokens.push(readRow(fields, columns, headerEncoding ?? fallback, line))
    } catch (error) {
      if (!(error instanceof OtpError)) throw error
      errors.push(error)
    }
  }
  if (errors.length > 0) {
    const listed = errors
      .slice(0, LISTED_ERRORS)
      .map((error) => error.message)
      .join('; ')
    const more = errors.length > LISTED_ERRORS ? `; and ${errors.length - LISTED_ERRORS} more rows` : ''
    throw invalid(`${errors.length} invalid row${errors.length === 1 ? '' : 's'}: ${listed}${more}`, new AggregateError(errors))
  }
  return tokens
}

function readHeader(row: { line: number; fields: string[] }): { columns: Map<Column, number>; secretEncoding?: SecretEncoding } {
  const columns = new Map<Column, number>()
  let secretEncoding: SecretEncoding | undefined
  row.fields.forEach((raw, i) => {
    let name = raw
      .trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, '')
    const hint = /^(.+?)(hex|base32|b32)$/.exec(name)
    if (hint !== null && ALIASES[hint[1]!] === 'secret') {
      name = hint[1]!
      secretEncoding = hint[2] === 'hex' ? 'hex' : 'base32'
    }
    const column = ALIASES[name]
    if (column === undefined) return // unknown columns (notes, dates, ...) are carried by no token
    if (columns.has(column))
      throw invalid(`line ${row.line}: two columns mean ${column} (${JSON.stringify(raw.slice(0, 40))} and an earlier one)`)
    columns.set(column, i)
  })
  if (!columns.has('secret')) {
    throw invalid(`line ${row.line}: the header names no secret column (expected one of secret, seed, key, secret_hex, secret_base32, ...)`)
  }
  return secretEncoding === undefined ? { columns } : { columns, secretEncoding }
}

function readRow(fields: string[], columns: Map<Column, number>, encoding: SecretEncoding | undefined, line: number): Token {
  const where = `line ${line}`
  const get = (column: Column): string | undefined => {
    const index = columns.get(column)
    const value = index === undefined ? undefined : fields[index]
    return value === '' ? undefined : value
  }
  const fail = (reason: string): never => {
    throw new OtpError('INVALID_CSV', `${where}: ${reason}`)
  }
  const integer = (column: Column, signed = false): number | bigint | undefined => {
    const value = get(column)
    if (value === undefined) return undefined
    if (!(signed ? /^[-+]?\d{1,20}$/ : /^\d{1,20}$/).test(value))
      fail(`${column} must be a whole number, got ${JSON.stringify(value.slice(0, 24))}`)
    const big = BigInt(value)
    return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big
  }

  const counter = integer('counter')
  const period = integer('period')
  const typeText = get('type')?.toLowerCase()
  let type: 'hotp' | 'totp'
  if (typeText === undefined) type = counter !== undefined && period === undefined ? 'hotp' : 'totp'
  else if (typeText === 'hotp' || typeText === 'totp') type = typeText
  else return fail(`type must be hotp or totp, got ${JSON.stringify(typeText.slice(0, 24))}`)

  const rowEncoding = get('encoding')?.toLowerCase()
  if (rowEncoding !== undefined && rowEncoding !== 'hex' && rowEncoding !== 'base32') {
    fail(`encoding must be hex or base32, got ${JSON.stringify(rowEncoding.slice(0, 24))}`)
  }
  const secretText = get('secret')
  if (secretText === undefined) return fail('the secret is empty')
  const secret = decodeSecret(secretText, (rowEncoding as SecretEncoding | undefined) ?? encoding, fail)

  const partial: Partial<Token> = { type, secret, account: get('account') ?? '' }
  const algorithm = get('algorithm')
  if (algorithm !== undefined) partial.algorithm = algorithm.toUpperCase().replace(/^HMAC/, '').replace(/[-_ ]/g, '') as Token['algorithm']
  const digits = integer('digits')
  if (digits !== undefined) partial.digits = Number(digits)
  for (const column of ['id', 'serial', 'issuer', 'manufacturer'] as const) {
    const value = get(column)
    if (value !== undefined) partial[column] = value
  }
  if (type === 'hotp') {
    partial.counter = counter ?? 0
    if (period !== undefined) fail('an hotp row has a counter, not a period')
  } else {
    if (counter !== undefined) fail('a totp row has a period, not a counter')
    if (period !== undefined) partial.period = Number(period)
    const drift = integer('drift', true)
    if (drift !== undefined) partial.drift = Number(drift)
  }
  return readToken(partial, 'INVALID_CSV', where)
}

const HEX = /^[0-9a-f]+$/i
const BASE32 = /^[a-z2-7]+=*$/i

/** A secret's bytes: hex or base32 as told, else as the value allows (refused when it allows both). */
function decodeSecret(raw: string, encoding: SecretEncoding | undefined, fail: (reason: string) => never): Uint8Array {
  const text = raw.replace(/[\s:]/g, '')
  const hex = HEX.test(text) && text.length % 2 === 0
  const base32 = BASE32.test(text)
  const chosen = encoding ?? (hex && !base32 ? 'hex' : base32 && !hex ? 'base32' : undefined)
  if (chosen === undefined) {
    return fail(
      hex
        ? 'the secret reads as hex and as base32: name the column secret_hex or secret_base32, or add an encoding column'
        : 'the secret is neither hex (an even number of 0-9 a-f) nor base32 (A-Z 2-7)',
    )
  }
  if (chosen === 'hex') {
    if (!hex) return fail('the secret is not hex (an even number of 0-9 a-f)')
    const bytes = new Uint8Array(text.length / 2)
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16)
    return bytes
  }
  try {
    return base32Decode(text)
  } catch {
    return fail('the secret is not base32 (RFC 4648 letters A-Z and digits 2-7)')
  }
}

/**
 * RFC 4180 rows, with the 1-based line each starts on. The delimiter is the commonest of , ; and
 * tab in the first line that is not blank or a comment. Unquoted fields are trimmed; quoted ones
 * keep every character.
 */
function* readRows(text: string): Generator<{ line: number; fields: string[] }> {
  const firstLine = text.split(/\r?\n/).find((line) => line.trim() !== '' && !line.trimStart().startsWith('#')) ?? ''
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const)
  const delimiter = counts.reduce((best, next) => (next[1] > best[1] ? next : best))[0]
  let line = 1
  let at = 0
  while (at < text.length) {
    const start = line
    const fields: string[] = []
    let field = ''
    /** 0: unquoted, 1: inside quotes, 2: after the closing quote. */
    let quote = 0
    const end = (): void => {
      fields.push(quote === 0 ? field.trim() : field)
      field = ''
      quote = 0
    }
    for (;;) {
      if (at >= text.length) {
        if (quote === 1) throw invalid(`line ${start}: a quoted field is not closed`)
        end()
        break
      }
      const c = text[at]!
      if (quote === 1) {
        if (c === '"' && text[at + 1] === '"') {
          field += '"'
          at += 2
          continue
        }
        if (c === '"') quote = 2
        else {
          if (c === '\n') line++
          field += c
        }
        at++
      } else if (c === delimiter) {
        end()
        at++
      } else if (c === '\n' || c === '\r') {
        end()
        at += c === '\r' && text[at + 1] === '\n' ? 2 : 1
        line++
        break
      } else if (quote === 2) {
        if (c !== ' ' && c !== '\t') throw invalid(`line ${line}: text after the closing quote of a field`)
        at++
      } else if (c === '"' && field.trim() === '') {
        quote = 1
        field = ''
        at++
      } else {
        field += c
        at++
      }
    }
    const blank = fields.length === 1 && fields[0] === ''
    if (!blank && !fields[0]!.startsWith('#')) yield { line: start, fields }
  }
}

/**
 * Writes tokens as a seed CSV file that parseSeedCsv (and spreadsheet tools) read back: a header
 * `id,serial,manufacturer,issuer,account,type,algorithm,digits,counter,period,drift,secret_hex`
 * (`secret_base32` with that encoding), RFC 4180 quoting, CRLF line ends. The secrets are in plain
 * text: keep the file as secret as the tokens.
 *
 * @throws OtpError INVALID_OPTIONS and the codes of checkToken for a bad token.
 */
export function buildSeedCsv(tokens: readonly Token[], options: BuildSeedCsvOptions = {}): string {
  if (!Array.isArray(tokens)) throw new OtpError('INVALID_OPTIONS', `buildSeedCsv: expected an array of tokens, got ${describe(tokens)}`)
  const encoding = options?.secretEncoding ?? 'hex'
  if (encoding !== 'hex' && encoding !== 'base32') {
    throw new OtpError('INVALID_OPTIONS', `buildSeedCsv: secretEncoding must be 'hex' or 'base32', got ${describe(encoding)}`)
  }
  const header = [
    'id',
    'serial',
    'manufacturer',
    'issuer',
    'account',
    'type',
    'algorithm',
    'digits',
    'counter',
    'period',
    'drift',
    `secret_${encoding}`,
  ]
  const lines = [header.join(',')]
  tokens.forEach((input, i) => {
    const t = checkToken(input, `buildSeedCsv: tokens[${i}]`)
    const secret = encoding === 'hex' ? Array.from(t.secret, (b) => b.toString(16).padStart(2, '0')).join('') : base32Encode(t.secret)
    const cells = [t.id, t.serial, t.manufacturer, t.issuer, t.account, t.type, t.algorithm, t.digits, t.counter, t.period, t.drift, secret]
    lines.push(cells.map((cell) => quote(cell === undefined ? '' : String(cell))).join(','))
  })
  return `${lines.join('\r\n')}\r\n`
}

/** RFC 4180 quoting where needed; a leading '=', '+', '-' or '@' is quoted too, so spreadsheets keep it text. */
function quote(cell: string): string {
  return /[",\r\n;\t]|^[=+\-@]|^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell
}

function invalid(reason: string, cause?: unknown): OtpError {
  return new OtpError('INVALID_CSV', `parseSeedCsv: ${reason}`, cause === undefined ? undefined : { cause })
}

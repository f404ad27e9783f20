/**
 * otpauth:// Key URIs: the format authenticator apps read from a QR code at enrolment.
 *
 *     otpauth://TYPE/LABEL?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
 *
 * TYPE is `totp` (RFC 6238) or `hotp` (RFC 4226); LABEL is `issuer:account` or `account`, each part
 * percent-encoded (RFC 3986 section 2.1). `buildUri` writes every parameter explicitly, so that a
 * reader never has to guess a default; `parseUri` is lenient where real exports differ (lowercase or
 * padded secrets, the issuer only in the label, parameters in any order, unknown parameters such as
 * `image`) and strict where a guess could produce wrong codes.
 */

import { base32Decode, base32Encode } from '../core/base32.js'
import { OtpError, describe } from '../core/errors.js'
import { ALGORITHMS, type Algorithm } from '../core/kernel.js'
import { MAX_SECRET_BYTES, toKey, type Secret } from '../core/secret.js'
import { asciiUpper, checkKnownKeys } from '../core/validate.js'
import { parseEncoder, steamParams } from './uri-steam.js'

/** The largest HOTP counter: counters are 8-byte unsigned integers (RFC 4226 section 5.2). */
const MAX_COUNTER = (1n << 64n) - 1n
/** Digits that a 31-bit truncated value can fill (RFC 4226 section 5.3 allows 6 and more). */
const MIN_DIGITS = 6
const MAX_DIGITS = 10

/** The keys buildUri takes: any other is OtpError('INVALID_OPTIONS'). */
const INPUT_KEYS: readonly string[] = ['type', 'secret', 'account', 'issuer', 'algorithm', 'digits', 'period', 'counter', 'encoding']

/** The parameters parseUri reads: the only names its messages may quote (any other may be a pasted secret). */
const KNOWN_PARAMETERS: ReadonlySet<string> = new Set(['secret', 'issuer', 'algorithm', 'digits', 'period', 'counter', 'image', 'encoder'])

/** What `buildUri` writes and `parseUri` returns. */
export interface OtpauthUri {
  /** `totp` (RFC 6238) or `hotp` (RFC 4226). */
  type: 'totp' | 'hotp'
  /** The shared secret (RFC 4226 section 5.1 `K`). */
  secret: Uint8Array
  /** The account name: the part of the label after the issuer (often an email address). */
  account: string
  /** Who issued the secret: the `issuer` parameter, or else the label's `issuer:` prefix. */
  issuer?: string
  /** The HMAC hash: SHA1 unless the URI says otherwise. */
  algorithm: Algorithm
  /** Code length: 6 unless the URI says otherwise. */
  digits: number
  /** TOTP only: the time step in seconds (RFC 6238 section 4.1 `X`), 30 unless the URI says otherwise. */
  period?: number
  /** HOTP only: the counter of the next code; a bigint above 2^53 - 1. */
  counter?: number | bigint
  /** 'steam' for a Steam Guard URI (`encoder=steam`): 5-character codes, digits 5. */
  encoding?: 'steam'
}

/** What `buildUri` takes: an `OtpauthUri` whose secret may also be base32 text, with defaults. */
export interface OtpauthUriInput {
  type: 'totp' | 'hotp'
  /** Bytes, or base32 text (case-insensitive; spaces and '=' padding allowed). */
  secret: Secret
  account: string
  issuer?: string
  /** Default SHA1. */
  algorithm?: Algorithm
  /** Default 6. */
  digits?: number
  /** TOTP only; default 30. */
  period?: number
  /** HOTP only, and required there. */
  counter?: number | bigint
  /** 'steam': a Steam Guard URI (`digits=5&encoder=steam`); digits then stays unset. */
  encoding?: 'steam'
}

/**
 * Writes the otpauth:// URI of a TOTP or HOTP secret, for an authenticator app to import.
 *
 * The label is `issuer:account` when there is an issuer (which is also written as the `issuer`
 * parameter, as the Key URI format recommends) and `account` alone otherwise; both are
 * percent-encoded, so spaces, '@', ':' and any unicode survive. The secret is written as unpadded
 * uppercase base32 (RFC 4648 section 6). Every parameter is written, defaults included.
 *
 * It writes only what parseUri reads back as given: an account that starts with a space after an
 * issuer (readers drop the spaces after the label's ':'), for one, is refused.
 *
 * @throws OtpError INVALID_OPTIONS (type, account, issuer, an unknown key), INVALID_SECRET,
 *   INVALID_ALGORITHM, INVALID_DIGITS, INVALID_PERIOD, INVALID_COUNTER.
 */
export function buildUri(input: OtpauthUriInput): string {
  if (input === null || typeof input !== 'object') {
    throw new OtpError('INVALID_OPTIONS', `buildUri: expected an options object, got ${describe(input)}`)
  }
  checkKnownKeys(input, 'buildUri', INPUT_KEYS)
  const type = checkType(input.type)
  const secret = toKey(input.secret)
  const account = checkName('account', input.account)
  const issuer = input.issuer === undefined || input.issuer === '' ? undefined : checkName('issuer', input.issuer)
  if (issuer === undefined && account.includes(':')) {
    // A reader would take the text before ':' as the issuer.
    throw new OtpError(
      'INVALID_OPTIONS',
      "buildUri: an account containing ':' needs an issuer, or readers take its first part as the issuer",
    )
  }
  if (issuer !== undefined && account.startsWith(' ')) {
    // The Key URI format lets readers drop spaces after the label's separator.
    throw new OtpError('INVALID_OPTIONS', 'buildUri: an account that follows an issuer must not start with a space: readers drop it')
  }
  const steam = steamParams(input)
  const algorithm = checkAlgorithm(input.algorithm ?? 'SHA1')
  const digits = steam ? 0 : checkDigits(input.digits ?? 6)

  const label = issuer === undefined ? encode(account) : `${encode(issuer)}:${encode(account)}`
  const params = [`secret=${base32Encode(secret)}`]
  if (issuer !== undefined) params.push(`issuer=${encode(issuer)}`)
  params.push(`algorithm=${algorithm}`, ...(steam ?? [`digits=${digits}`]))
  if (type === 'totp') {
    if (input.counter !== undefined) {
      throw new OtpError('INVALID_OPTIONS', 'buildUri: a totp URI has a period, not a counter')
    }
    params.push(`period=${checkPeriod(input.period ?? 30)}`)
  } else {
    if (input.period !== undefined) {
      throw new OtpError('INVALID_OPTIONS', 'buildUri: an hotp URI has a counter, not a period')
    }
    if (input.counter === undefined) {
      throw new OtpError('INVALID_COUNTER', 'buildUri: an hotp URI needs a counter (an integer from 0 to 2^64 - 1)')
    }
    params.push(`counter=${checkCounter(input.counter)}`)
  }
  return `otpauth://${type}/${label}?${params.join('&')}`
}

/**
 * Reads an otpauth:// URI, as written by `buildUri` or exported by an authenticator app.
 *
 * Accepted variations: any case in the scheme, type and algorithm; a lowercase, padded or spaced
 * base32 secret; the issuer in the label only, in the parameter only, or in both (the parameter
 * wins, as in the Key URI format); the label separator written as ':' or '%3A', with spaces after
 * it; parameters in any order; '+' for a space in parameter values; unknown parameters; a fragment;
 * surrounding whitespace. Missing `algorithm`, `digits` and `period` take the defaults SHA1, 6, 30.
 *
 * @throws OtpError INVALID_URI naming what is wrong: scheme, type, label, percent-encoding, a missing,
 *   repeated or invalid parameter. The message never contains the secret.
 */
export function parseUri(text: string): OtpauthUri {
  if (typeof text !== 'string') {
    throw invalid(`expected an otpauth:// URI string, got ${describe(text)}`)
  }
  const uri = text.trim()
  const scheme = 'otpauth://'
  if (asciiLower(uri.slice(0, scheme.length)) !== scheme) {
    throw invalid(`expected it to start with ${scheme}`)
  }
  const withoutFragment = uri.split('#', 1)[0]!
  const queryStart = withoutFragment.indexOf('?')
  const path = withoutFragment.slice(scheme.length, queryStart < 0 ? undefined : queryStart)
  const query = queryStart < 0 ? '' : withoutFragment.slice(queryStart + 1)

  const slash = path.indexOf('/')
  const typeText = asciiLower(slash < 0 ? path : path.slice(0, slash))
  if (typeText !== 'totp' && typeText !== 'hotp') {
    throw invalid(`expected the type totp or hotp after ${scheme}, got '${truncateForMessage(typeText)}'`)
  }
  const type: 'totp' | 'hotp' = typeText
  if (slash < 0 || slash === path.length - 1) {
    throw invalid(`expected a label (the account name) after ${scheme}${type}/`)
  }
  const params = parseQuery(query)
  const label = parseLabel(path.slice(slash + 1))

  const issuerParam = params.get('issuer')
  const issuer = issuerParam !== undefined && issuerParam !== '' ? issuerParam : label.issuer
  const secret = parseSecret(params.get('secret'))
  const algorithm = parseAlgorithm(params.get('algorithm'))
  const encoding = parseEncoder(params.get('encoder'), params.get('digits'), type, algorithm)
  const digits = encoding ? 5 : parseDigits(params.get('digits'))

  const result: OtpauthUri = { type, secret, account: label.account, algorithm, digits }
  if (encoding) result.encoding = encoding
  if (issuer !== undefined) result.issuer = issuer
  if (type === 'totp') {
    result.period = parsePeriod(params.get('period'))
  } else {
    result.counter = parseCounter(params.get('counter'))
  }
  return result
}

/** Percent-encodes a label part or parameter value: everything but RFC 3986 unreserved characters. */
function encode(text: string): string {
  // encodeURIComponent leaves !'()* alone; they are reserved (sub-delims) in RFC 3986.
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw invalid(`the ${what} has a malformed percent-encoding (expected %XX sequences of UTF-8)`)
  }
}

/** Splits a raw label into issuer and account: at the first literal ':', else at the first '%3A'. */
function parseLabel(raw: string): { issuer?: string; account: string } {
  let separator = raw.indexOf(':')
  let separatorLength = 1
  if (separator < 0) {
    separator = raw.search(/%3a/i)
    separatorLength = 3
  }
  if (separator < 0) return { account: checkParsedAccount(decode(raw, 'label')) }
  const issuer = decode(raw.slice(0, separator), 'label')
  // The Key URI format allows spaces after the separator, for readability.
  const account = decode(raw.slice(separator + separatorLength), 'label').replace(/^ +/, '')
  return issuer === '' ? { account: checkParsedAccount(account) } : { issuer, account: checkParsedAccount(account) }
}

function checkParsedAccount(account: string): string {
  if (account === '') throw invalid('expected an account name in the label, got an empty one')
  return account
}

/** Reads `a=1&b=2` into a map, refusing repeated names: which of two secrets is meant is a guess. */
function parseQuery(query: string): Map<string, string> {
  const params = new Map<string, string>()
  for (const pair of query.split('&')) {
    if (pair === '') continue
    const equals = pair.indexOf('=')
    const rawName = equals < 0 ? pair : pair.slice(0, equals)
    const name = asciiLower(decode(rawName, 'parameter name'))
    const value = equals < 0 ? '' : decode(pair.slice(equals + 1).replace(/\+/g, ' '), parameterName(name))
    if (params.has(name)) throw invalid(`the ${parameterName(name)} is given twice`)
    params.set(name, value)
  }
  return params
}

/** Names a parameter in a message: a known name as it is, any other unquoted (it may be a pasted secret). */
function parameterName(name: string): string {
  return KNOWN_PARAMETERS.has(name) ? `parameter '${name}'` : 'parameter of an unknown name'
}

/** Lowercases ASCII letters only (String.prototype.toLowerCase maps the Kelvin sign to 'k'). */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase())
}

function parseSecret(value: string | undefined): Uint8Array {
  if (value === undefined || value.trim() === '') throw invalid("expected a 'secret' parameter (base32), found none")
  let secret: Uint8Array
  try {
    secret = base32Decode(value)
  } catch (error) {
    // The cause's message never holds the secret either; keep it for whoever debugs.
    throw invalid("the 'secret' parameter is not valid base32 (RFC 4648 letters A-Z and digits 2-7)", error)
  }
  if (secret.length === 0 || secret.length > MAX_SECRET_BYTES) {
    throw invalid(`expected a secret of 1 to ${MAX_SECRET_BYTES} bytes, got ${secret.length}`)
  }
  return secret
}

function parseAlgorithm(value: string | undefined): Algorithm {
  if (value === undefined) return 'SHA1'
  const upper = asciiUpper(value)
  const found = ALGORITHMS.find((name) => name === upper)
  if (found === undefined) {
    throw invalid(`expected 'algorithm' to be one of ${ALGORITHMS.join(', ')} (any letter case)`)
  }
  return found
}

function parseDigits(value: string | undefined): number {
  if (value === undefined) return 6
  const digits = /^\d{1,2}$/.test(value) ? Number(value) : NaN
  if (!(digits >= MIN_DIGITS && digits <= MAX_DIGITS)) {
    throw invalid(`expected 'digits' to be an integer from ${MIN_DIGITS} to ${MAX_DIGITS}`)
  }
  return digits
}

function parsePeriod(value: string | undefined): number {
  if (value === undefined) return 30
  // Any period buildUri writes: a safe integer of seconds.
  const period = /^\d{1,16}$/.test(value) ? Number(value) : NaN
  if (!(period >= 1 && Number.isSafeInteger(period))) {
    throw invalid(`expected 'period' to be a whole number of seconds from 1 to 2^53 - 1`)
  }
  return period
}

function parseCounter(value: string | undefined): number | bigint {
  if (value === undefined) throw invalid("an hotp URI needs a 'counter' parameter, found none")
  const counter = /^\d{1,20}$/.test(value) ? BigInt(value) : -1n
  if (counter < 0n || counter > MAX_COUNTER) {
    throw invalid(`expected 'counter' to be an integer from 0 to 2^64 - 1`)
  }
  return counter <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(counter) : counter
}

function checkType(type: unknown): 'totp' | 'hotp' {
  if (type !== 'totp' && type !== 'hotp') {
    throw new OtpError('INVALID_OPTIONS', `buildUri: expected type 'totp' or 'hotp', got ${describeSafe(type)}`)
  }
  return type
}

function checkName(what: 'account' | 'issuer', value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new OtpError('INVALID_OPTIONS', `buildUri: expected the ${what} as a non-empty string, got ${describe(value)}`)
  }
  try {
    encodeURIComponent(value)
  } catch {
    // A lone surrogate has no UTF-8 form, so it cannot be percent-encoded.
    throw new OtpError('INVALID_OPTIONS', `buildUri: the ${what} contains a lone UTF-16 surrogate`)
  }
  return value
}

function checkAlgorithm(algorithm: unknown): Algorithm {
  const found = ALGORITHMS.find((name) => name === algorithm)
  if (found === undefined) {
    throw new OtpError('INVALID_ALGORITHM', `buildUri: expected algorithm ${ALGORITHMS.join(', ')}, got ${describeSafe(algorithm)}`)
  }
  return found
}

function checkDigits(digits: unknown): number {
  if (!Number.isInteger(digits) || (digits as number) < MIN_DIGITS || (digits as number) > MAX_DIGITS) {
    throw new OtpError(
      'INVALID_DIGITS',
      `buildUri: expected digits to be an integer from ${MIN_DIGITS} to ${MAX_DIGITS}, got ${describe(digits)}`,
    )
  }
  return digits as number
}

function checkPeriod(period: unknown): number {
  if (!Number.isSafeInteger(period) || (period as number) < 1) {
    throw new OtpError('INVALID_PERIOD', `buildUri: expected period to be a whole number of seconds of at least 1, got ${describe(period)}`)
  }
  return period as number
}

function checkCounter(counter: unknown): bigint {
  const value = typeof counter === 'bigint' ? counter : Number.isSafeInteger(counter) ? BigInt(counter as number) : undefined
  if (value === undefined || value < 0n || value > MAX_COUNTER) {
    throw new OtpError('INVALID_COUNTER', `buildUri: expected counter to be an integer from 0 to 2^64 - 1, got ${describe(counter)}`)
  }
  return value
}

/** Names a non-secret option value in a message: short strings are shown, everything else described. */
function describeSafe(value: unknown): string {
  return typeof value === 'string' && value.length <= 16 ? `'${value}'` : describe(value)
}

/** Keeps echoed URI fragments short, so a message stays readable whatever was pasted. */
function truncateForMessage(text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}...` : text
}

function invalid(reason: string, cause?: unknown): OtpError {
  return new OtpError('INVALID_URI', `parseUri: ${reason}`, cause === undefined ? undefined : { cause })
}

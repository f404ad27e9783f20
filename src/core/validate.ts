/**
 * The boundary: every public input is checked here, once, and turned into the bytes and integers the
 * kernels trust. Each check throws OtpError with a stable code and a message saying what was expected.
 */
import { OtpError, describe, type OtpErrorCode } from './errors.js'
import { ALGORITHMS, type Algorithm, type AlgorithmId } from './kernel.js'

/** The largest 64-bit counter, 2^64 - 1. */
export const MAX_COUNTER = 0xffff_ffff_ffff_ffffn

/** The widest verification window, in steps either way: verification checks the whole window in constant time. */
export const MAX_WINDOW = 10_000

/** The longest resync scan, in counters. */
export const MAX_LOOK_AHEAD = 1_000_000_000

/** The most codes a resync may confirm a counter with. */
export const MAX_RESYNC_CODES = 16

export const DEFAULT_DIGITS = 6
export const DEFAULT_PERIOD = 30

/** A 64-bit counter as the two uint32 halves that cross into the kernels. */
export interface CounterHalves {
  hi: number
  lo: number
}

function fail(code: OtpErrorCode, message: string): never {
  throw new OtpError(code, message)
}

const NO_OPTIONS = Object.freeze({})

/**
 * The options argument: undefined or an object whose every enumerable key is one of `known` (when
 * given), so that a misspelt option (`{ tim: 59 }`) throws instead of quietly taking its default.
 * @throws OtpError('INVALID_OPTIONS') naming the unknown key.
 */
export function checkOptions<T extends object>(options: T | undefined, where: string, known?: readonly string[]): Partial<T> {
  if (options === undefined) return NO_OPTIONS
  if (options === null || typeof options !== 'object') {
    fail('INVALID_OPTIONS', `${where} options must be an object, got ${describe(options)}`)
  }
  if (known !== undefined) checkKnownKeys(options, where, known)
  return options
}

/** Throws OtpError('INVALID_OPTIONS') for the first enumerable key of `options` not in `known`. */
export function checkKnownKeys(options: object, where: string, known: readonly string[]): void {
  for (const key in options) {
    if (!known.includes(key)) {
      const name = key.length > 24 ? `${key.slice(0, 24)}...` : key
      fail('INVALID_OPTIONS', `${where} has no option ${JSON.stringify(name)}; its options are ${known.join(', ')}`)
    }
  }
}

/** Digits: a whole number from 6 to 10 (RFC 4226 section 5.3 asks for at least 6; 31 bits fill at most 10). */
export function checkDigits(digits: unknown = DEFAULT_DIGITS): number {
  if (typeof digits !== 'number' || !Number.isInteger(digits) || digits < 6 || digits > 10) {
    fail('INVALID_DIGITS', `digits must be a whole number from 6 to 10, got ${describe(digits)}`)
  }
  return digits
}

/** Uppercases ASCII letters only: String.prototype.toUpperCase maps 'ſ' (U+017F) to 'S', and 'ſha256' is no algorithm name. */
export function asciiUpper(text: string): string {
  return text.replace(/[a-z]+/g, (letters) => letters.toUpperCase())
}

/** The algorithm's kernel number; names are SHA1, SHA256, SHA512 (any ASCII letter case). */
export function checkAlgorithm(algorithm: unknown = 'SHA1'): AlgorithmId {
  // The exact names first: this runs once per key of every batch.
  if (algorithm === 'SHA1') return 0
  if (algorithm === 'SHA256') return 1
  if (algorithm === 'SHA512') return 2
  const id = typeof algorithm === 'string' ? ALGORITHMS.indexOf(asciiUpper(algorithm) as Algorithm) : -1
  if (id < 0) {
    const given = typeof algorithm === 'string' ? JSON.stringify(algorithm.slice(0, 20)) : describe(algorithm)
    fail('INVALID_ALGORITHM', `algorithm must be one of ${ALGORITHMS.join(', ')}, got ${given}`)
  }
  return id as AlgorithmId
}

/** A counter from 0 to 2^64 - 1: a safe integer number, or a bigint (needed above 2^53 - 1). */
export function checkCounter(counter: unknown, what = 'counter'): CounterHalves {
  if (typeof counter === 'number') {
    if (Number.isSafeInteger(counter) && counter >= 0) {
      return { hi: Math.floor(counter / 0x1_0000_0000), lo: counter >>> 0 }
    }
    const hint = Number.isInteger(counter) && counter > 0 ? ' (pass a bigint above 2^53 - 1)' : ''
    fail('INVALID_COUNTER', `${what} must be a whole number from 0 to 2^64 - 1${hint}, got ${describe(counter)}`)
  }
  if (typeof counter === 'bigint') {
    if (counter >= 0n && counter <= MAX_COUNTER) {
      return { hi: Number(counter >> 32n), lo: Number(counter & 0xffff_ffffn) }
    }
    fail('INVALID_COUNTER', `${what} must be from 0 to 2^64 - 1, got ${counter}n`)
  }
  fail('INVALID_COUNTER', `${what} must be a number or a bigint, got ${describe(counter)}`)
}

/** A window: a whole number of steps from 0 to `max`. */
export function checkWindow(window: unknown, fallback: number, max = MAX_WINDOW, what = 'window'): number {
  if (window === undefined) return fallback
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 0 || window > max) {
    fail('INVALID_WINDOW', `${what} must be a whole number from 0 to ${max}, got ${describe(window)}`)
  }
  return window
}

/** A TOTP period (RFC 6238 section 4.1 `X`): a whole number of seconds above 0. */
export function checkPeriod(period: unknown = DEFAULT_PERIOD): number {
  if (typeof period !== 'number' || !Number.isSafeInteger(period) || period <= 0) {
    fail('INVALID_PERIOD', `period must be a whole number of seconds above 0, got ${describe(period)}`)
  }
  return period
}

/**
 * The TOTP time step of RFC 6238 section 4.2: T = floor((time - t0) / period), with time in unix
 * seconds (default: now), period a whole number of seconds (default 30) and t0 (default 0).
 */
export function checkTimeStep(time: unknown, period: unknown, t0: unknown): number {
  const p = checkPeriod(period ?? DEFAULT_PERIOD)
  const start = t0 ?? 0
  if (typeof start !== 'number' || !Number.isFinite(start)) {
    fail('INVALID_TIME', `t0 must be a finite number of unix seconds, got ${describe(start)}`)
  }
  const now = time ?? Date.now() / 1000
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    fail('INVALID_TIME', `time must be a finite number of unix seconds, got ${describe(now)}`)
  }
  if (now < start) fail('INVALID_TIME', `time (${now}) must not be before t0 (${start})`)
  const step = Math.floor((now - start) / p)
  if (!Number.isSafeInteger(step)) fail('INVALID_TIME', `time step must be below 2^53, got ${step}`)
  return step
}

/**
 * A code as an integer, or -1 when it can never match: not exactly `digits` ASCII digits (empty,
 * too short or long, spaces, other scripts' digits), or above the 31-bit range of truncation.
 * Only a non-string is an error: a number would have lost its leading zeros.
 */
export function parseCode(code: unknown, digits: number): number {
  if (typeof code !== 'string') {
    fail('INVALID_CODE', `code must be a string of ${digits} digits, got ${describe(code)}`)
  }
  if (code.length !== digits) return -1
  let value = 0
  for (let i = 0; i < digits; i++) {
    const d = code.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    value = value * 10 + d
  }
  return value <= 0x7fff_ffff ? value : -1
}

/** Resync codes: 1 to 16 well-formed codes, as integers (-1 where one can never match). */
export function checkResyncCodes(codes: unknown, digits: number): number[] {
  const count = Array.isArray(codes) ? codes.length : -1
  if (count < 1 || count > MAX_RESYNC_CODES) {
    const got = count >= 0 ? `${count} codes` : describe(codes)
    fail('INVALID_CODES', `codes must be an array of 1 to ${MAX_RESYNC_CODES} consecutive codes, got ${got}`)
  }
  // Each code read once, by index: a hole (a sparse array) reads as undefined and is refused, where
  // map() would skip it and leave a hole that the kernels read as a code.
  const list = codes as readonly unknown[]
  const values: number[] = []
  for (let i = 0; i < count; i++) {
    const code = list[i]
    if (typeof code !== 'string') {
      fail('INVALID_CODES', `codes[${i}] must be a string of ${digits} digits, got ${describe(code)}`)
    }
    values.push(parseCode(code, digits))
  }
  return values
}

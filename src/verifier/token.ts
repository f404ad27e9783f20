/**
 * A token's two halves as the stores keep them, as text:
 * - its parameters (type, algorithm, digits, period, t0), fixed at enrollment and bound to the sealed
 *   secret, so that changing them in the store makes the secret fail to open;
 * - its state (position, drift, failures, lock), the only part a verification rewrites, stored with
 *   a MAC that binds it to the token (crypto.ts), so that a state edited in the store is refused.
 */
import { OtpError, describe } from '../core/errors.js'
import { ALGORITHMS, type Algorithm } from '../core/kernel.js'
import { MAX_COUNTER, checkCounter, checkDigits, checkTimeStep } from '../core/validate.js'
import { isWellFormed } from './store.js'
import type { EnrollParams, TokenInfo, TokenType } from './types.js'

export interface TokenParams {
  readonly type: TokenType
  readonly algorithm: Algorithm
  readonly digits: number
  /** TOTP: the step in seconds; 0 for HOTP. */
  readonly period: number
  /** TOTP: the unix time steps count from; 0 for HOTP. */
  readonly t0: number
}

/**
 * What verifications change. `next` is the lowest position a code may still use: for HOTP the
 * counter the next code must use, for TOTP one past the last accepted step (0 before any). It only
 * grows, which is the whole of replay protection (RFC 6238 section 5.2).
 */
export interface TokenState {
  readonly next: bigint
  /** TOTP: learned drift in steps; HOTP: 0. */
  readonly drift: number
  readonly failures: number
  /** Date.now() milliseconds; 0 when not locked. */
  readonly lockedUntil: number
}

/** The longest token id, in UTF-16 units. */
export const MAX_TOKEN_ID_LENGTH = 256

/**
 * A token id: a non-empty string of at most MAX_TOKEN_ID_LENGTH UTF-16 units, and well-formed
 * Unicode. Stores keep ids as UTF-8, where a lone surrogate becomes U+FFFD: two ids differing only by
 * one would name the same token there, and a different one in memory.
 */
export function checkTokenId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_TOKEN_ID_LENGTH) {
    const got = typeof id === 'string' ? `a string of ${id.length} characters` : describe(id)
    throw new OtpError('INVALID_TOKEN_ID', `token id must be a string of 1 to ${MAX_TOKEN_ID_LENGTH} characters, got ${got}`)
  }
  if (!isWellFormed(id)) {
    throw new OtpError('INVALID_TOKEN_ID', 'token id must be well-formed Unicode, got a string with a lone UTF-16 surrogate')
  }
  return id
}

/** Checks enroll()'s parameters and fills in the defaults; returns the parameters and the first state. */
export function paramsFromEnroll(params: EnrollParams): { params: TokenParams; state: TokenState } {
  if (params === null || typeof params !== 'object') {
    throw new OtpError('INVALID_OPTIONS', `enroll params must be an object, got ${describe(params)}`)
  }
  if (params.type !== 'totp' && params.type !== 'hotp') {
    throw new OtpError('INVALID_OPTIONS', `params.type must be 'totp' or 'hotp', got ${describe((params as { type?: unknown }).type)}`)
  }
  const algorithm = checkAlgorithmName(params.algorithm ?? 'SHA1')
  const digits = checkDigits(params.digits)
  if (params.type === 'hotp') {
    const { hi, lo } = checkCounter(params.counter ?? 0)
    const next = (BigInt(hi) << 32n) | BigInt(lo)
    return { params: { type: 'hotp', algorithm, digits, period: 0, t0: 0 }, state: freshState(next) }
  }
  const period = params.period ?? 30
  const t0 = params.t0 ?? 0
  // Checks period and t0 the way the engine will, with t0 itself as the time.
  checkTimeStep(t0, period, t0)
  return { params: { type: 'totp', algorithm, digits, period, t0 }, state: freshState(0n) }
}

function checkAlgorithmName(algorithm: unknown): Algorithm {
  const name = typeof algorithm === 'string' ? (algorithm.toUpperCase() as Algorithm) : undefined
  if (name === undefined || !ALGORITHMS.includes(name)) {
    throw new OtpError('INVALID_ALGORITHM', `algorithm must be one of ${ALGORITHMS.join(', ')}, got ${describe(algorithm)}`)
  }
  return name
}

function freshState(next: bigint): TokenState {
  return { next, drift: 0, failures: 0, lockedUntil: 0 }
}

/** The stored text of a token's parameters. Its exact bytes are authenticated with the secret. */
export function encodeParams(p: TokenParams): string {
  return JSON.stringify([p.type, p.algorithm, p.digits, p.period, p.t0])
}

/** Decoded parameters by their text: most tokens of a deployment share a handful of them. */
const paramsCache = new Map<string, TokenParams>()
const PARAMS_CACHE_SIZE = 1024

export function decodeParams(id: string, text: string): TokenParams {
  let params = paramsCache.get(text)
  if (params === undefined) {
    params = parseParams(id, text)
    if (paramsCache.size >= PARAMS_CACHE_SIZE) paramsCache.clear()
    paramsCache.set(text, params)
  }
  return params
}

function parseParams(id: string, text: string): TokenParams {
  const fields = parseJson(id, text, 'parameters')
  const [type, algorithm, digits, period, t0] = Array.isArray(fields) ? fields : []
  if (
    (type !== 'totp' && type !== 'hotp') ||
    !ALGORITHMS.includes(algorithm) ||
    !Number.isInteger(digits) ||
    typeof period !== 'number' ||
    typeof t0 !== 'number'
  ) {
    throw corrupt(id, 'parameters')
  }
  return Object.freeze({ type, algorithm, digits, period, t0 })
}

/**
 * The text of a token's state, without its MAC (crypto.ts adds and checks that): the position is
 * decimal text, since counters reach 2^64 - 1. It is the JSON of [next as text, drift, failures,
 * lockedUntil] less its brackets; all four are numbers, none needs escaping.
 */
export function encodeState(s: TokenState): string {
  return `"${s.next}",${s.drift},${s.failures},${s.lockedUntil}`
}

/** The state from its text, as encodeState wrote it (once its MAC has been checked). */
export function decodeState(id: string, text: string): TokenState {
  return quickState(text) ?? parseState(id, text)
}

/**
 * The state of encodeState's own text, read in one pass without JSON.parse: a position of 1 to 15
 * digits and three integers of at most 15 digits, canonical JSON (no leading zero, no '-0'). Any
 * other text, valid or not, is left to parseState (undefined).
 */
function quickState(text: string): TokenState | undefined {
  if (text.charCodeAt(0) !== 0x22) return undefined
  let i = 1
  let next = 0
  for (; i < text.length && i <= 16; i++) {
    const d = text.charCodeAt(i) - 0x30
    if (d < 0 || d > 9) break
    next = next * 10 + d
  }
  if (i === 1 || i > 16 || text.charCodeAt(i) !== 0x22) return undefined
  cursor = i + 1
  const drift = quickInteger(text)
  const failures = quickInteger(text)
  const lockedUntil = quickInteger(text)
  if (lockedUntil === undefined || drift === undefined || failures === undefined || cursor !== text.length) return undefined
  return { next: BigInt(next), drift, failures, lockedUntil }
}

/** Where quickInteger reads next (module state: quickState is synchronous). */
let cursor = 0

/** `,` then a canonical JSON integer of at most 15 digits at `cursor`, or undefined. */
function quickInteger(text: string): number | undefined {
  let i = cursor
  if (text.charCodeAt(i++) !== 0x2c) return undefined
  const negative = text.charCodeAt(i) === 0x2d
  if (negative) i++
  const first = i
  let value = 0
  for (; i < text.length; i++) {
    const d = text.charCodeAt(i) - 0x30
    if (d < 0 || d > 9) break
    value = value * 10 + d
  }
  const digits = i - first
  if (digits === 0 || digits > 15 || (digits > 1 && text.charCodeAt(first) === 0x30) || (negative && value === 0)) return undefined
  cursor = i
  return negative ? -value : value
}

function parseState(id: string, text: string): TokenState {
  const fields = parseJson(id, `[${text}]`, 'state')
  const [next, drift, failures, lockedUntil] = Array.isArray(fields) && fields.length === 4 ? fields : []
  if (
    typeof next !== 'string' ||
    !/^\d{1,20}$/.test(next) ||
    !Number.isInteger(drift) ||
    !Number.isInteger(failures) ||
    typeof lockedUntil !== 'number'
  ) {
    throw corrupt(id, 'state')
  }
  const position = BigInt(next)
  if (position > MAX_COUNTER + 1n) throw corrupt(id, 'state')
  return { next: position, drift, failures, lockedUntil }
}

/** The outside view of a token. */
export function tokenInfo(id: string, p: TokenParams, s: TokenState): TokenInfo {
  const common = { id, type: p.type, algorithm: p.algorithm, digits: p.digits, drift: s.drift, failures: s.failures }
  const lockedUntil = s.lockedUntil
  if (p.type === 'hotp') return { ...common, counter: asCounter(s.next), lockedUntil }
  return { ...common, period: p.period, t0: p.t0, lastStep: s.next === 0n ? null : Number(s.next - 1n), lockedUntil }
}

/** A counter as a number while it is a safe integer, else as a bigint (the convention of the public API). */
export function asCounter(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
}

function parseJson(id: string, text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw corrupt(id, what)
  }
}

function corrupt(id: string, what: string): OtpError {
  return new OtpError('INVALID_RECORD', `token ${JSON.stringify(id)} has corrupt ${what} in the store`)
}

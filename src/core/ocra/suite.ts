/**
 * OCRA suites (RFC 6287 section 6): the string that names the algorithm, the code length and the
 * inputs of a challenge-response, e.g. `OCRA-1:HOTP-SHA1-6:QN08`. The suite is also the first field
 * of the hashed message, so it is taken exactly as written (upper case, as the RFC spells it).
 *
 *     OCRASuite     = Algorithm ":" CryptoFunction ":" DataInput
 *     Algorithm     = "OCRA-1"
 *     CryptoFunction= "HOTP-SHA1-t" | "HOTP-SHA256-t" | "HOTP-SHA512-t"   t = 0 (whole HMAC) or 4..10
 *     DataInput     = ["C-"] "Q" F xx ["-P" H] ["-S" nnn] ["-T" G]        F = N | A | H, xx = 04..64
 *                     H = SHA1 | SHA256 | SHA512, nnn = 001..512, G = 1..59 S | 1..59 M | 0..48 H
 *
 * A suite is parsed once: results are kept per suite string.
 */
import { OtpError } from '../errors.js'
import type { Algorithm, AlgorithmId } from '../kernel.js'

/** Question formats (RFC 6287 section 6.3): numeric, alphanumeric, hexadecimal. */
export type QuestionFormat = 'N' | 'A' | 'H'

/** The byte layout of a suite's message (RFC 6287 section 5.1); -1 for a field the suite does not have. */
export interface OcraLayout {
  /** Total bytes. */
  readonly length: number
  /** The suite's ASCII bytes and the 0x00 separator take [0, counterAt or questionAt). */
  readonly counterAt: number
  /** 128 bytes. */
  readonly questionAt: number
  readonly passwordAt: number
  readonly sessionAt: number
  readonly timeAt: number
}

/** A parsed OCRA suite. */
export interface OcraSuite {
  /** The suite as given (it is hashed as is). */
  readonly suite: string
  /** The HMAC's hash, by name and kernel number. */
  readonly algorithm: Algorithm
  readonly alg: AlgorithmId
  /** Code digits: 4 to 10, or 0 for the whole HMAC as lower-case hex. */
  readonly digits: number
  /** Whether the message has an 8-byte counter (C). */
  readonly counter: boolean
  /** The question: its format and its greatest length, in characters (xx of QFxx). */
  readonly question: { readonly format: QuestionFormat; readonly length: number }
  /** The hash of the PIN (PH), if the suite has one. */
  readonly password?: Algorithm
  /** Session information bytes (Snnn), if the suite has them. */
  readonly session?: number
  /** The time step (TG), if the suite has one: `seconds` per step (0 for T0H, which only takes a step count). */
  readonly time?: { readonly unit: 'S' | 'M' | 'H'; readonly count: number; readonly seconds: number }
  readonly layout: OcraLayout
}

/** Bytes of each hash's digest: the PIN hash field's length. */
export const HASH_BYTES: Record<Algorithm, number> = { SHA1: 20, SHA256: 32, SHA512: 64 }
const ALG_IDS: Record<Algorithm, AlgorithmId> = { SHA1: 0, SHA256: 1, SHA512: 2 }
/** Bytes of the question field: a question is padded to 128 bytes whatever its length. */
export const QUESTION_BYTES = 128
/** No suite the grammar allows is longer than this; longer input is refused before any parsing. */
const MAX_SUITE_LENGTH = 64
const UNIT_SECONDS = { S: 1, M: 60, H: 3600 } as const
const UNIT_RANGE = { S: [1, 59], M: [1, 59], H: [0, 48] } as const

function invalid(suite: string, part: string, expected: string): never {
  throw new OtpError('INVALID_OCRA_SUITE', `OCRA suite ${JSON.stringify(suite)}: ${part} ${expected}`)
}

/** How a part names itself in an error: quoted and cut short. */
const quote = (part: string): string => JSON.stringify(part.slice(0, 20))

function parse(suite: string): OcraSuite {
  const parts = suite.split(':')
  if (parts.length !== 3) invalid(suite, 'has', `${parts.length} parts, expected 3 separated by ':' (OCRA-1:HOTP-SHA1-6:QN08)`)
  const [version, crypto, input] = parts as [string, string, string]
  if (version !== 'OCRA-1') invalid(suite, `part 1 ${quote(version)}`, "must be 'OCRA-1'")

  const fn = /^HOTP-(SHA1|SHA256|SHA512)-(\d{1,2})$/.exec(crypto)
  if (!fn) invalid(suite, `part 2 ${quote(crypto)}`, 'must be HOTP-SHA1-t, HOTP-SHA256-t or HOTP-SHA512-t')
  const algorithm = fn[1] as Algorithm
  const digits = Number(fn[2])
  if (fn[2] !== String(digits) || (digits !== 0 && (digits < 4 || digits > 10))) {
    invalid(suite, `truncation ${quote(fn[2]!)}`, 'must be 0 (the whole HMAC) or 4 to 10 digits')
  }

  const fields = input.split('-')
  let i = 0
  const counter = fields[i] === 'C'
  if (counter) i++
  const q = /^Q([NAH])(\d\d)$/.exec(fields[i] ?? '')
  if (!q)
    invalid(suite, `data input ${quote(fields[i] ?? '')}`, 'must be the question QFxx (F = N, A or H; xx = 04 to 64), after an optional C')
  const questionLength = Number(q[2])
  if (questionLength < 4 || questionLength > 64) invalid(suite, `question ${quote(fields[i]!)}`, 'must have a length xx from 04 to 64')
  i++

  let password: Algorithm | undefined
  let session: number | undefined
  let time: OcraSuite['time']
  // The optional inputs, each at most once and in the order of the message: P, S, T.
  let order = 0
  for (; i < fields.length; i++) {
    const field = fields[i]!
    const p = /^PSHA(1|256|512)$/.exec(field)
    const s = /^S(\d{3})$/.exec(field)
    const t = /^T(\d{1,2})([SMH])$/.exec(field)
    const rank = p ? 1 : s ? 2 : t ? 3 : 0
    if (rank === 0) invalid(suite, `data input ${quote(field)}`, 'is not one of PSHA1, PSHA256, PSHA512, Snnn, TG')
    if (rank <= order) invalid(suite, `data input ${quote(field)}`, 'is repeated or out of order (C, Q, P, S, T)')
    order = rank
    if (p) password = `SHA${p[1]}` as Algorithm
    if (s) {
      session = Number(s[1])
      if (session < 1 || session > 512) invalid(suite, `session ${quote(field)}`, 'must have a length from S001 to S512')
    }
    if (t) {
      const count = Number(t[1])
      const unit = t[2] as 'S' | 'M' | 'H'
      const [low, high] = UNIT_RANGE[unit]
      if (t[1] !== String(count) || count < low || count > high) {
        invalid(
          suite,
          `time step ${quote(field)}`,
          `must be ${low} to ${high} ${unit === 'S' ? 'seconds' : unit === 'M' ? 'minutes' : 'hours'}`,
        )
      }
      time = { unit, count, seconds: count * UNIT_SECONDS[unit] }
    }
  }

  let at = suite.length + 1
  const take = (present: boolean, bytes: number): number => {
    if (!present) return -1
    const start = at
    at += bytes
    return start
  }
  const counterAt = take(counter, 8)
  const questionAt = take(true, QUESTION_BYTES)
  const passwordAt = take(password !== undefined, password ? HASH_BYTES[password] : 0)
  const sessionAt = take(session !== undefined, session ?? 0)
  const timeAt = take(time !== undefined, 8)
  const layout: OcraLayout = { length: at, counterAt, questionAt, passwordAt, sessionAt, timeAt }
  return Object.freeze({
    suite,
    algorithm,
    alg: ALG_IDS[algorithm],
    digits,
    counter,
    question: Object.freeze({ format: q[1] as QuestionFormat, length: questionLength }),
    ...(password && { password }),
    ...(session !== undefined && { session }),
    ...(time && { time: Object.freeze(time) }),
    layout: Object.freeze(layout),
  })
}

/** Parsed suites by their string; cleared when full, so that hostile input cannot grow it without bound. */
const cache = new Map<string, OcraSuite>()
const CACHE_LIMIT = 1024
/** The suite parsed or found last: a run of calls with one suite skips the Map. */
let lastText: string | undefined
let lastSuite: OcraSuite | undefined

/**
 * Parses an OCRA suite (RFC 6287 section 6); the result is kept, so a suite is parsed once.
 * @example parseOcraSuite('OCRA-1:HOTP-SHA1-6:QN08').question // { format: 'N', length: 8 }
 * @throws OtpError('INVALID_OCRA_SUITE') naming the part that does not fit the grammar.
 */
export function parseOcraSuite(suite: string): OcraSuite {
  if (suite === lastText && lastSuite !== undefined) return lastSuite
  const known = cache.get(suite)
  if (known !== undefined) {
    lastText = suite
    lastSuite = known
    return known
  }
  if (typeof suite !== 'string') {
    throw new OtpError('INVALID_OCRA_SUITE', `OCRA suite must be a string such as 'OCRA-1:HOTP-SHA1-6:QN08', got ${typeof suite}`)
  }
  if (suite.length > MAX_SUITE_LENGTH) {
    throw new OtpError('INVALID_OCRA_SUITE', `OCRA suite must be at most ${MAX_SUITE_LENGTH} characters, got ${suite.length}`)
  }
  const parsed = parse(suite)
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(suite, parsed)
  lastText = suite
  lastSuite = parsed
  return parsed
}

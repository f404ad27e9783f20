/**
 * The OCRA message of RFC 6287 section 5.1, laid out from a parsed suite and checked inputs:
 *
 *     suite bytes | 0x00 | C (8) | Q (128) | P (20, 32 or 64) | S (nnn) | T (8)
 *
 * Every input is checked here, once; the kernel gets bytes and field offsets only. Verification lays
 * the message out once and lets the kernel patch the C and T fields per candidate.
 */
import { OtpError, describe, type OtpErrorCode } from '../errors.js'
import { noble } from '../hashes.js'
import { checkCounter, MAX_COUNTER, type CounterHalves } from '../validate.js'
import { HASH_BYTES, QUESTION_BYTES, type OcraSuite } from './suite.js'

/** The inputs of one OCRA computation (RFC 6287 section 5.1). */
export interface OcraInput {
  /**
   * The challenge as the user types it: decimal digits for QN, text (printable ASCII) for QA, hex
   * for QH; 4 to xx characters (xx of the suite's QFxx).
   */
  question: string
  /** For suites with C: the counter, 0 to 2^64 - 1 (a bigint above 2^53 - 1). */
  counter?: number | bigint
  /** For suites with PSHA*: the PIN as text, hashed here with the suite's hash. */
  password?: string
  /** For suites with PSHA*: the PIN's hash, as bytes or hex (instead of `password`). */
  passwordHash?: Uint8Array | string
  /** For suites with Snnn: exactly nnn bytes of session information, as bytes or hex. */
  session?: Uint8Array | string
  /** For suites with T: unix seconds (default now), turned into a step by the suite's granularity. */
  time?: number
  /** For suites with T: the step count itself (instead of `time`). */
  timestamp?: number | bigint
}

/** verifyOcra's inputs: one computation's, and how far to search. */
export interface VerifyOcraInput extends OcraInput {
  /** Suites with C: counters after `counter` to try too (look-ahead). Default 0, at most MAX_WINDOW. */
  counterWindow?: number
  /** Suites with T: steps before and after to try too. Default 1, at most MAX_WINDOW. */
  timeWindow?: number
}

/** A message laid out once, with where its C and T fields are and what they hold. */
export interface OcraMessage {
  readonly bytes: Uint8Array
  readonly counter: CounterHalves | undefined
  readonly step: CounterHalves | undefined
}

/** Who knows which input keys: ocra its inputs, verifyOcra also the windows, a batch record also its own fields. */
const LEVELS = { ocra: 0, verifyOcra: 1, verifyBatch: 2 } as const
const KEYS_BY_LEVEL = [
  ['question', 'counter', 'password', 'passwordHash', 'session', 'time', 'timestamp'],
  ['counterWindow', 'timeWindow'],
  ['suite', 'secret', 'code', 'mutual', 'clientQuestion', 'serverQuestion'],
] as const

/**
 * The level of KEYS_BY_LEVEL that `key` is in, or 3 for none. A switch: string cases compare as
 * pointers, twice as fast as a Set lookup, which over a batch's million records is 4% of its time.
 */
function levelOf(key: string): number {
  switch (key) {
    case 'question':
    case 'counter':
    case 'password':
    case 'passwordHash':
    case 'session':
    case 'time':
    case 'timestamp':
      return 0
    case 'counterWindow':
    case 'timeWindow':
      return 1
    case 'suite':
    case 'secret':
    case 'code':
    case 'mutual':
    case 'clientQuestion':
    case 'serverQuestion':
      return 2
    default:
      return 3
  }
}
/** Where each password hash is in noble().hashes. */
const PASSWORD_HASHES = { SHA1: 0, SHA256: 1, SHA512: 2 } as const
/** The longest PIN or password text accepted. */
const MAX_PASSWORD_LENGTH = 1024

function fail(code: OtpErrorCode, message: string): never {
  throw new OtpError(code, message)
}

/** The input argument: a plain object with only the keys `where` knows. */
export function checkOcraInput(input: unknown, where: 'ocra' | 'verifyOcra' | 'verifyBatch'): VerifyOcraInput {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    fail('INVALID_OPTIONS', `${where} input must be an object with a question, got ${describe(input)}`)
  }
  const level = LEVELS[where]
  for (const key in input) {
    if (levelOf(key) > level) {
      const known = KEYS_BY_LEVEL.slice(0, level + 1).flat()
      fail('INVALID_OPTIONS', `${where} input has an unknown option ${JSON.stringify(key.slice(0, 30))}; expected ${known.join(', ')}`)
    }
  }
  return input as VerifyOcraInput
}

// Patterns made once: a regular expression literal is a new object at each evaluation.
const HEX = /^[0-9a-fA-F]*$/

/** Whether every character is an ASCII decimal digit (a loop: quicker than a pattern on short text). */
export function allDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}
const PRINTABLE = /^[\x20-\x7e]+$/
/** Whether every character is a hex digit, either case (true for ''). */
export const isHex = (text: string): boolean => HEX.test(text)

/** Scratch for a numeric question's hex nibbles, least significant first (15 digits make at most 13). */
const NIBBLES = new Uint8Array(16)

/** The value of a hex digit's char code (checked hex only). */
const nibble = (c: number): number => (c <= 57 ? c - 48 : (c | 32) - 87)

/** Writes hex text into `out` from `at`, padded on the right with '0' to an even length. */
function writeHex(hex: string, out: Uint8Array, at: number): void {
  for (let i = 0; i < hex.length; i += 2) {
    out[at + (i >> 1)] = (nibble(hex.charCodeAt(i)) << 4) | (i + 1 < hex.length ? nibble(hex.charCodeAt(i + 1)) : 0)
  }
}

/**
 * Checks a question against the suite's format and length (`max` characters: xx, or 2xx for the two
 * questions of a mutual challenge-response, RFC 6287 section 7.3).
 * @throws OtpError('INVALID_CHALLENGE')
 */
export function checkQuestion(suite: OcraSuite, question: unknown, max = suite.question.length, min = 4): string {
  const { format } = suite.question
  const kind = format === 'N' ? 'decimal digits' : format === 'H' ? 'hex digits' : 'printable ASCII characters'
  if (typeof question !== 'string') {
    fail(
      'INVALID_CHALLENGE',
      `question must be a string of ${min} to ${max} ${kind} (suite Q${format}${String(suite.question.length).padStart(2, '0')}), got ${describe(question)}`,
    )
  }
  if (question.length < min || question.length > max) {
    fail('INVALID_CHALLENGE', `question must be ${min} to ${max} ${kind} for ${suite.suite}, got ${question.length} characters`)
  }
  const fits = format === 'N' ? allDigits(question) : format === 'H' ? isHex(question) : PRINTABLE.test(question)
  if (!fits) fail('INVALID_CHALLENGE', `question must be ${kind} for ${suite.suite}`)
  return question
}

/**
 * Writes a checked question into its 128-byte field (RFC 6287 section 5.1): QN as the hex of its
 * value, QH as given, both padded on the right with '0' nibbles; QA as its ASCII bytes, then zeros.
 * The field must be zero beforehand.
 */
export function writeQuestion(format: OcraSuite['question']['format'], question: string, out: Uint8Array, at: number): void {
  if (format === 'A') {
    for (let i = 0; i < question.length; i++) out[at + i] = question.charCodeAt(i)
  } else if (format === 'H') {
    writeHex(question, out, at)
  } else if (question.length <= 9) {
    // Below 10^9 the value fits 30 bits: its nibbles, padded on the right to whole bytes, are
    // written straight, with no string or table between.
    let value = 0
    for (let i = 0; i < question.length; i++) value = value * 10 + question.charCodeAt(i) - 48
    const nibbles = value === 0 ? 1 : (35 - Math.clz32(value)) >> 2
    const bytes = (nibbles + 1) >> 1
    // An odd count of nibbles gets a '0' nibble on the right (as the hex text of RFC 6287's reference code).
    const padded = nibbles & 1 ? value * 16 : value
    for (let b = 0; b < bytes; b++) out[at + b] = padded >>> (8 * (bytes - 1 - b))
  } else if (question.length <= 15) {
    // Below 2^53 a number is exact: its hex nibbles are written straight, with no string between.
    let value = Number(question)
    let n = 0
    do {
      NIBBLES[n++] = value % 16
      value = Math.floor(value / 16)
    } while (value > 0)
    // Most significant nibble first, padded on the right like the hex text of RFC 6287's reference code.
    for (let i = 0; i < n; i++) {
      const nib = NIBBLES[n - 1 - i]!
      out[at + (i >> 1)] |= i & 1 ? nib : nib << 4
    }
    NIBBLES.fill(0, 0, n)
  } else {
    writeHex(BigInt(question).toString(16), out, at)
  }
}

/** Bytes given as a Uint8Array or as hex text, of exactly `length` bytes. */
function bytesOf(value: unknown, length: number, what: string, code: OtpErrorCode): Uint8Array {
  if (value instanceof Uint8Array) {
    if (value.length !== length) fail(code, `${what} must be ${length} bytes, got ${value.length}`)
    return value
  }
  if (typeof value === 'string') {
    if (value.length !== 2 * length || !isHex(value))
      fail(code, `${what} must be ${length} bytes as ${2 * length} hex digits, got ${describe(value)}`)
    const out = new Uint8Array(length)
    writeHex(value, out, 0)
    return out
  }
  fail(code, `${what} must be a Uint8Array or hex text of ${length} bytes, got ${describe(value)}`)
}

/** The PIN hash field: `password` hashed with the suite's PSHA, or `passwordHash` as given. */
function passwordField(suite: OcraSuite, input: OcraInput): Uint8Array | undefined {
  const { password, passwordHash } = input
  if (suite.password === undefined) {
    if (password !== undefined || passwordHash !== undefined)
      fail('INVALID_PASSWORD', `${suite.suite} takes no password (its suite has no PSHA input)`)
    return undefined
  }
  if (password !== undefined && passwordHash !== undefined) fail('INVALID_PASSWORD', 'give password or passwordHash, not both')
  if (password !== undefined) {
    if (typeof password !== 'string' || password.length === 0 || password.length > MAX_PASSWORD_LENGTH) {
      fail('INVALID_PASSWORD', `password must be text of 1 to ${MAX_PASSWORD_LENGTH} characters, got ${describe(password)}`)
    }
    return noble().hashes[PASSWORD_HASHES[suite.password]](new TextEncoder().encode(password))
  }
  if (passwordHash === undefined) fail('INVALID_PASSWORD', `${suite.suite} needs a password (or passwordHash, its P${suite.password})`)
  return bytesOf(passwordHash, HASH_BYTES[suite.password], `passwordHash (P${suite.password})`, 'INVALID_PASSWORD')
}

function sessionField(suite: OcraSuite, session: unknown): Uint8Array | undefined {
  if (suite.session === undefined) {
    if (session !== undefined) fail('INVALID_SESSION', `${suite.suite} takes no session information (its suite has no Snnn input)`)
    return undefined
  }
  if (session === undefined) fail('INVALID_SESSION', `${suite.suite} needs session information of ${suite.session} bytes`)
  return bytesOf(session, suite.session, 'session', 'INVALID_SESSION')
}

/** The time step of a suite with T: from `timestamp` as given, or from `time` (default now) by the granularity. */
function stepOf(suite: OcraSuite, time: unknown, timestamp: unknown): CounterHalves | undefined {
  if (suite.time === undefined) {
    if (time !== undefined || timestamp !== undefined) fail('INVALID_TIME', `${suite.suite} takes no time (its suite has no T input)`)
    return undefined
  }
  if (time !== undefined && timestamp !== undefined) fail('INVALID_TIME', 'give time or timestamp, not both')
  if (timestamp !== undefined) {
    try {
      return checkCounter(timestamp, 'timestamp')
    } catch (error) {
      fail('INVALID_TIME', (error as Error).message)
    }
  }
  const now = time ?? Date.now() / 1000
  if (typeof now !== 'number' || !Number.isFinite(now) || now < 0) {
    fail('INVALID_TIME', `time must be unix seconds, a finite number from 0, got ${describe(now)}`)
  }
  if (suite.time.seconds === 0) fail('INVALID_TIME', `${suite.suite} has a time step of 0 hours: give timestamp, the step count`)
  return checkCounter(Math.floor(now / suite.time.seconds), 'time step')
}

function counterOf(suite: OcraSuite, counter: unknown): CounterHalves | undefined {
  if (!suite.counter) {
    if (counter !== undefined) fail('INVALID_COUNTER', `${suite.suite} takes no counter (its suite has no C input)`)
    return undefined
  }
  if (counter === undefined) fail('INVALID_COUNTER', `${suite.suite} needs a counter`)
  return checkCounter(counter)
}

/** writeOcraFields' answer for a suite without C and T: one shared object, not one per call. */
const NO_FIELDS = Object.freeze({ counter: undefined, step: undefined })

/** Writes a 64-bit value as 8 big-endian bytes. */
export function writeU64(out: Uint8Array, at: number, { hi, lo }: CounterHalves): void {
  out[at] = hi >>> 24
  out[at + 1] = hi >>> 16
  out[at + 2] = hi >>> 8
  out[at + 3] = hi
  out[at + 4] = lo >>> 24
  out[at + 5] = lo >>> 16
  out[at + 6] = lo >>> 8
  out[at + 7] = lo
}

/**
 * Checks one set of inputs and writes the fields after the suite (C, Q, P, S, T) into `out`, each at
 * its layout offset minus `shift` (0 for a whole message; the prefix's length for a batch row that
 * holds only the fields). The question may be up to `maxQuestion` characters (2xx for a mutual
 * challenge-response). The fields' bytes in `out` must be zero beforehand.
 * @throws OtpError INVALID_CHALLENGE, INVALID_COUNTER, INVALID_PASSWORD, INVALID_SESSION, INVALID_TIME
 */
export function writeOcraFields(
  suite: OcraSuite,
  input: OcraInput,
  out: Uint8Array,
  shift: number,
  maxQuestion?: number,
): { counter: CounterHalves | undefined; step: CounterHalves | undefined } {
  const question = checkQuestion(suite, input.question, maxQuestion)
  const counter = counterOf(suite, input.counter)
  const password = passwordField(suite, input)
  const session = sessionField(suite, input.session)
  const step = stepOf(suite, input.time, input.timestamp)
  const { layout } = suite
  if (counter) writeU64(out, layout.counterAt - shift, counter)
  writeQuestion(suite.question.format, question, out, layout.questionAt - shift)
  if (password) out.set(password, layout.passwordAt - shift)
  if (session) out.set(session, layout.sessionAt - shift)
  if (step) writeU64(out, layout.timeAt - shift, step)
  return counter === undefined && step === undefined ? NO_FIELDS : { counter, step }
}

/** The suite's ASCII bytes and the 0x00 separator: the part of the message every input shares. */
export function ocraPrefix(suite: OcraSuite, out: Uint8Array = new Uint8Array(suite.suite.length + 1)): Uint8Array {
  for (let i = 0; i < suite.suite.length; i++) out[i] = suite.suite.charCodeAt(i)
  return out
}

/**
 * The message of RFC 6287 section 5.1 for a suite and one set of inputs, checked (see writeOcraFields):
 * in `into` when given (exactly the layout's length, all zero), else in new bytes.
 * @throws OtpError INVALID_CHALLENGE, INVALID_COUNTER, INVALID_PASSWORD, INVALID_SESSION, INVALID_TIME
 */
export function layOcraMessage(suite: OcraSuite, input: OcraInput, maxQuestion?: number, into?: Uint8Array): OcraMessage {
  const bytes = into ?? new Uint8Array(suite.layout.length)
  ocraPrefix(suite, bytes)
  const { counter, step } = writeOcraFields(suite, input, bytes, 0, maxQuestion)
  return { bytes, counter, step }
}

/**
 * Bytes of the question field that a question of at most `max` characters can fill (RFC 6287
 * section 5.1): the hex of the largest value for QN, half the digits for QH, the characters for QA;
 * the field's other bytes stay zero whatever the question.
 */
export function questionBytes(format: OcraSuite['question']['format'], max: number): number {
  const bytes = format === 'A' ? max : format === 'H' ? (max + 1) >> 1 : ((10n ** BigInt(max) - 1n).toString(16).length + 1) >> 1
  return Math.min(bytes, QUESTION_BYTES)
}

/**
 * The bytes of a suite's message that its inputs can change, [at, end): from the first field after
 * the suite to the last byte a question of `maxQuestion` characters can reach, or to the end when P,
 * S or T follow the question. Everything outside is the same for every input: the suite, its 0x00
 * and the question field's zero tail.
 */
export function ocraFieldsRange(suite: OcraSuite, maxQuestion = suite.question.length): { at: number; end: number } {
  const { layout } = suite
  const at = suite.counter ? layout.counterAt : layout.questionAt
  const tail = suite.password !== undefined || suite.session !== undefined || suite.time !== undefined
  return { at, end: tail ? layout.length : layout.questionAt + questionBytes(suite.question.format, maxQuestion) }
}

/** How far past `value` a window can reach before 2^64 - 1. */
export function roomAbove({ hi, lo }: CounterHalves, window: number): number {
  const room = MAX_COUNTER - (BigInt(hi) << 32n) - BigInt(lo)
  return room < BigInt(window) ? Number(room) : window
}

export { QUESTION_BYTES }

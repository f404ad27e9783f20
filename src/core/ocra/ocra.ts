/**
 * OCRA, the challenge-response algorithm of RFC 6287, over any Kernel: one-way challenge-response
 * (section 7.1), signatures (section 7.2) and mutual challenge-response (section 7.3). Inputs are
 * checked in message.ts; the kernel gets the key, the message and field offsets, and verification
 * computes its whole window of counters and time steps in one kernel call, in constant time.
 */
import { OtpError, describe } from '../errors.js'
import { NO_MATCH, windowDeltas, type Kernel, type MessageWindow } from '../kernel.js'
import { formatCode } from '../otp.js'
import { toKey, type Secret } from '../secret.js'
import { POWERS_OF_TEN, truncate } from '../truncate.js'
import { MAX_WINDOW, checkWindow } from '../validate.js'
import {
  allDigits,
  checkOcraInput,
  isHex,
  checkQuestion,
  ocraFieldsRange,
  ocraPrefix,
  writeOcraFields,
  roomAbove,
  type OcraInput,
  type OcraMessage,
  type VerifyOcraInput,
} from './message.js'
import { parseOcraSuite, type OcraSuite } from './suite.js'

/** The most candidates one verifyOcra computes: (counterWindow + 1) x (2 timeWindow + 1). */
export const MAX_OCRA_CANDIDATES = 2 * MAX_WINDOW + 1

const DIGEST_BYTES = [20, 32, 64] as const

/** The inputs of the mutual helpers: both questions instead of one (RFC 6287 section 7.3). */
export type MutualOcraInput = Omit<OcraInput, 'question'> & { clientQuestion: string; serverQuestion: string }
export type VerifyMutualOcraInput = Omit<VerifyOcraInput, 'question'> & { clientQuestion: string; serverQuestion: string }

/** The OCRA functions bound to one kernel. */
export interface OcraApi {
  ocra(suite: string, secret: Secret, input: OcraInput): string
  verifyOcra(suite: string, secret: Secret, code: string, input: VerifyOcraInput): number | null
  ocraServerResponse(suite: string, secret: Secret, input: MutualOcraInput): string
  ocraClientResponse(suite: string, secret: Secret, input: MutualOcraInput): string
  verifyOcraServerResponse(suite: string, secret: Secret, code: string, input: VerifyMutualOcraInput): number | null
  verifyOcraClientResponse(suite: string, secret: Secret, code: string, input: VerifyMutualOcraInput): number | null
}

/** The code of an HMAC: `digits` digits of its truncation, or for 0 the whole HMAC as lower-case hex. */
export function ocraCode(mac: Uint8Array, digits: number): string {
  if (digits === 0) return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')
  return formatCode(truncate(mac, digits), digits)
}

/**
 * Scratch for one call at a time (calls are synchronous): each suite's message has its own buffer,
 * the suite and its 0x00 written once, the fields after them written per call and wiped after; the
 * HMAC lands in one of three digests, wiped after each use. A new buffer per call costs more than
 * the two compressions of key setup.
 */
const MESSAGES = new WeakMap<OcraSuite, Scratch>()
const DIGESTS = DIGEST_BYTES.map((n) => new Uint8Array(n))

/** A suite's message buffer, and the bytes [from, to) that a call may write (what it wipes after). */
interface Scratch {
  readonly bytes: Uint8Array
  readonly from: number
  readonly to: number
}

/** The suite asked last and its scratch: a run of calls with one suite skips the WeakMap. */
let lastSuite: OcraSuite | undefined
let lastScratch: Scratch | undefined

/** The suite's message buffer: its prefix (the suite and 0x00), then zeros. */
function scratchFor(suite: OcraSuite): Scratch {
  if (suite === lastSuite) return lastScratch!
  let scratch = MESSAGES.get(suite)
  if (scratch === undefined) {
    // A mutual question may be twice the suite's length.
    const { at, end } = ocraFieldsRange(suite, 2 * suite.question.length)
    scratch = { bytes: ocraPrefix(suite, new Uint8Array(suite.layout.length)), from: at, to: end }
    MESSAGES.set(suite, scratch)
  }
  lastSuite = suite
  lastScratch = scratch
  return scratch
}

function compute(kernel: Kernel, suite: OcraSuite, key: Uint8Array, input: OcraInput, maxQuestion?: number): string {
  const { bytes, from, to } = scratchFor(suite)
  const { alg, digits } = suite
  try {
    writeOcraFields(suite, input, bytes, 0, maxQuestion)
    // A code of digits needs only the truncation, which the kernel returns: the digest stays in it.
    if (digits !== 0) return formatCode(kernel.mac(alg, key, bytes) % POWERS_OF_TEN[digits]!, digits)
    const mac = DIGESTS[alg]!
    try {
      kernel.mac(alg, key, bytes, mac)
      return ocraCode(mac, 0)
    } finally {
      mac.fill(0)
    }
  } finally {
    // A loop: a fill call costs more than the few bytes a question-only suite writes.
    for (let i = from; i < to; i++) bytes[i] = 0
  }
}

/** @throws OtpError('INVALID_CODE') for a code that is not a string, naming the form the suite's codes take. */
function checkCodeType(suite: OcraSuite, code: unknown): asserts code is string {
  if (typeof code === 'string') return
  const what = suite.digits === 0 ? `${2 * DIGEST_BYTES[suite.alg]} hex digits` : `${suite.digits} digits`
  throw new OtpError('INVALID_CODE', `code must be a string of ${what}, got ${describe(code)}`)
}

/**
 * The code of a suite with digits (t > 0) as an integer, or -1 when it can never match.
 * @throws OtpError('INVALID_CODE') for a code that is not a string.
 */
export function ocraCodeValue(suite: OcraSuite, code: unknown): number {
  checkCodeType(suite, code)
  return code.length === suite.digits && allDigits(code) ? Number(code) : -1
}

/** A code as the kernel compares it: an integer below 2^31, or the HMAC bytes for suites with t = 0; undefined when it can never match. */
function parseOcraCode(suite: OcraSuite, code: unknown): { value: number; expected?: Uint8Array } | undefined {
  if (suite.digits !== 0) {
    const value = ocraCodeValue(suite, code)
    return value < 0 ? undefined : { value }
  }
  checkCodeType(suite, code)
  const n = DIGEST_BYTES[suite.alg]
  if (code.length !== 2 * n || !isHex(code)) return undefined
  const expected = new Uint8Array(n)
  for (let i = 0; i < n; i++) expected[i] = parseInt(code.slice(2 * i, 2 * i + 2), 16)
  return { value: 0, expected }
}

/**
 * The window of a verification: counters ahead (suites with C), time steps around (suites with T),
 * each kept inside [0, 2^64), and at most MAX_OCRA_CANDIDATES in all.
 */
export function ocraWindow(suite: OcraSuite, message: OcraMessage, input: VerifyOcraInput): MessageWindow {
  const { counterWindow, timeWindow } = input
  if (!suite.counter && counterWindow !== undefined)
    throw new OtpError('INVALID_WINDOW', `${suite.suite} has no counter: counterWindow does not apply`)
  if (suite.time === undefined && timeWindow !== undefined)
    throw new OtpError('INVALID_WINDOW', `${suite.suite} has no time step: timeWindow does not apply`)
  const cw = checkWindow(counterWindow, 0, MAX_WINDOW, 'counterWindow')
  const tw = checkWindow(timeWindow, 1, MAX_WINDOW, 'timeWindow')
  const counter = message.counter
  const step = message.step
  const ahead = counter ? roomAbove(counter, cw) : 0
  const behind = step ? Math.min(tw, step.hi > 0 ? tw : step.lo) : 0
  const timeAhead = step ? roomAbove(step, tw) : 0
  if ((ahead + 1) * (behind + timeAhead + 1) > MAX_OCRA_CANDIDATES) {
    throw new OtpError(
      'INVALID_WINDOW',
      `counterWindow and timeWindow together reach ${(ahead + 1) * (behind + timeAhead + 1)} candidates, at most ${MAX_OCRA_CANDIDATES}`,
    )
  }
  const { layout } = suite
  return {
    counterAt: counter ? layout.counterAt : -1,
    counterHi: counter?.hi ?? 0,
    counterLo: counter?.lo ?? 0,
    ahead,
    timeAt: step ? layout.timeAt : -1,
    timeHi: step?.hi ?? 0,
    timeLo: step?.lo ?? 0,
    behind,
    timeAhead,
  }
}

/**
 * verifyOcra's answer from the kernel's: the counter delta for suites with C, else the time delta
 * for suites with T, else 0; null when nothing matched.
 */
export function ocraDelta(suite: OcraSuite, match: number): number | null {
  if (match === NO_MATCH) return null
  const { counter, time } = windowDeltas(match)
  return suite.counter ? counter : suite.time ? time : 0
}

function verify(
  kernel: Kernel,
  suite: OcraSuite,
  key: Uint8Array,
  code: unknown,
  input: VerifyOcraInput,
  maxQuestion?: number,
): number | null {
  const { bytes, from, to } = scratchFor(suite)
  try {
    const { counter, step } = writeOcraFields(suite, input, bytes, 0, maxQuestion)
    const message = { bytes, counter, step }
    const window = ocraWindow(suite, message, input)
    const parsed = parseOcraCode(suite, code)
    if (parsed === undefined) return null
    return ocraDelta(suite, kernel.macWindow(suite.alg, key, message.bytes, window, parsed.value, suite.digits, parsed.expected))
  } finally {
    bytes.fill(0, from, to)
  }
}

/** Which response of a mutual challenge-response (RFC 6287 section 7.3) a batch record checks. */
export type MutualRole = 'server' | 'client'

/**
 * The question of a mutual challenge-response (RFC 6287 section 7.3): the server's response hashes
 * the client's question then the server's, the client's response the server's then the client's.
 * Each question is checked against the suite alone; together they may be 2xx characters (`max`).
 */
export function mutualInput<T extends MutualOcraInput>(
  suite: OcraSuite,
  input: T,
  role: MutualRole,
  where: string,
): { input: OcraInput & Partial<VerifyOcraInput>; max: number } {
  if (input === null || typeof input !== 'object')
    throw new OtpError('INVALID_OPTIONS', `${where} input must be an object, got ${describe(input)}`)
  const { clientQuestion, serverQuestion, ...rest } = input
  const client = checkQuestion(suite, clientQuestion)
  const server = checkQuestion(suite, serverQuestion)
  return { input: { ...rest, question: role === 'client' ? server + client : client + server }, max: 2 * suite.question.length }
}

/** Binds the OCRA functions to a kernel. */
export function ocraApi(kernel: Kernel): OcraApi {
  return {
    ocra(suiteText, secret, input) {
      const suite = parseOcraSuite(suiteText)
      const checked = checkOcraInput(input, 'ocra')
      const key = toKey(secret)
      return compute(kernel, suite, key, checked)
    },

    verifyOcra(suiteText, secret, code, input) {
      const suite = parseOcraSuite(suiteText)
      const checked = checkOcraInput(input, 'verifyOcra')
      return verify(kernel, suite, toKey(secret), code, checked)
    },

    ocraServerResponse(suiteText, secret, input) {
      const suite = parseOcraSuite(suiteText)
      const { input: mutual, max } = mutualInput(suite, input, 'server', 'ocraServerResponse')
      const key = toKey(secret)
      return compute(kernel, suite, key, checkOcraInput(mutual, 'ocra'), max)
    },

    ocraClientResponse(suiteText, secret, input) {
      const suite = parseOcraSuite(suiteText)
      const { input: mutual, max } = mutualInput(suite, input, 'client', 'ocraClientResponse')
      const key = toKey(secret)
      return compute(kernel, suite, key, checkOcraInput(mutual, 'ocra'), max)
    },

    verifyOcraServerResponse(suiteText, secret, code, input) {
      const suite = parseOcraSuite(suiteText)
      const { input: mutual, max } = mutualInput(suite, input, 'server', 'verifyOcraServerResponse')
      return verify(kernel, suite, toKey(secret), code, checkOcraInput(mutual, 'verifyOcra'), max)
    },

    verifyOcraClientResponse(suiteText, secret, code, input) {
      const suite = parseOcraSuite(suiteText)
      const { input: mutual, max } = mutualInput(suite, input, 'client', 'verifyOcraClientResponse')
      return verify(kernel, suite, toKey(secret), code, checkOcraInput(mutual, 'verifyOcra'), max)
    },
  }
}

/**
 * Reads the OCRA section into what `ocra()` takes. Only the shape is checked here (digits where a
 * number is asked for); the suite, the question, the PIN, the session and the ranges are left to the
 * library, whose OtpError messages say what it expects.
 */
import type { OcraInput, OcraSuite } from 'otp-wasm'
import { byId } from './dom.js'
import { FieldError, counterArg } from './params.js'
import { parseSecret, type SecretFormat } from './secret-forms.js'

/** The OCRA key's bytes, written as the key format select says. */
export function readOcraKey(): Uint8Array {
  const input = byId('ocra-key', HTMLInputElement)
  try {
    return parseSecret(input.value, byId('ocra-key-format', HTMLSelectElement).value as SecretFormat)
  } catch (error) {
    throw new FieldError(input, `key: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** A whole number typed in decimal (or hex), as the library takes it: a number while safe, a bigint beyond. */
function wholeNumber(input: HTMLInputElement, what: string, hex = false): number | bigint {
  const typed = input.value.trim()
  const text = hex ? typed.replace(/^0x/i, '') : typed
  if (!(hex ? /^[0-9a-f]+$/i : /^\d+$/).test(text)) {
    throw new FieldError(input, `${what}: ${hex ? 'hex digits (0-9, a-f)' : 'a whole number from 0'}${text === '' ? ', got nothing' : ''}`)
  }
  return counterArg(BigInt(hex ? `0x${text}` : text))
}

/** The time input of a suite with T: unix seconds, or the step count itself (decimal or hex). */
function readTime(): Pick<OcraInput, 'time' | 'timestamp'> {
  const input = byId('ocra-time', HTMLInputElement)
  const form = byId('ocra-time-form', HTMLSelectElement).value
  if (form === 'seconds') {
    const text = input.value.trim()
    const seconds = Number(text)
    if (text === '' || !Number.isFinite(seconds)) throw new FieldError(input, 'T: unix seconds, a number from 0')
    return { time: seconds }
  }
  return { timestamp: wholeNumber(input, 'T as a step count', form === 'steps-hex') }
}

/** The inputs the suite names, each from its field; fields the suite does not name are left out. */
export function readOcraInput(suite: OcraSuite): OcraInput {
  const input: OcraInput = { question: byId('ocra-question', HTMLInputElement).value }
  if (suite.counter) input.counter = wholeNumber(byId('ocra-counter', HTMLInputElement), 'counter C')
  if (suite.password !== undefined) {
    const pin = byId('ocra-pin', HTMLInputElement).value
    if (byId('ocra-pin-form', HTMLSelectElement).value === 'hash') input.passwordHash = pin.trim().replace(/[\s:]/g, '')
    else input.password = pin
  }
  if (suite.session !== undefined) input.session = byId('ocra-session', HTMLTextAreaElement).value.replace(/[\s:]/g, '')
  if (suite.time !== undefined) Object.assign(input, readTime())
  return input
}

/** A window field of the verification, for the suites that have one. */
export function readWindow(id: 'ocra-counter-window' | 'ocra-time-window'): number {
  const input = byId(id, HTMLInputElement)
  const value = input.valueAsNumber
  if (!Number.isFinite(value)) throw new FieldError(input, `${input.labels?.[0]?.textContent ?? id}: enter a number`)
  return value
}

/** The time step T a suite's input gives, to show beside the field; undefined when it cannot be read. */
export function timeStepOf(suite: OcraSuite, input: OcraInput): bigint | undefined {
  if (input.timestamp !== undefined) return BigInt(input.timestamp)
  if (input.time === undefined || !suite.time || suite.time.seconds === 0 || input.time < 0) return undefined
  return BigInt(Math.floor(input.time / suite.time.seconds))
}

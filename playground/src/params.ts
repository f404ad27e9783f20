/**
 * Reads the form into the parameters of one code. Only the shape is checked here (a number where a
 * number is asked for); ranges are left to the library, whose OtpError messages say what it expects.
 */
import type { Algorithm } from 'otp-wasm'
import { byId, checkedValue } from './dom.js'
import { parseSecret, type SecretFormat } from './secret-forms.js'

export interface Params {
  /** 'steam': a Steam Guard code, TOTP written in 5 letters and digits (SHA-1; `digits` is unused). */
  type: 'totp' | 'hotp' | 'steam'
  key: Uint8Array
  algorithm: Algorithm
  digits: number
  /** TOTP and Steam Guard: the step X, t0 and the time, in seconds. */
  period: number
  t0: number
  time: number
  /** HOTP: the counter C. */
  counter: bigint
}

/** A field the person must fix, and why. */
export class FieldError extends Error {
  constructor(
    readonly field: HTMLElement,
    message: string,
  ) {
    super(message)
  }
}

const MAX_COUNTER = (1n << 64n) - 1n

/** Whether the codes follow the clock: TOTP and Steam Guard. */
export function isTimed(p: Pick<Params, 'type'>): boolean {
  return p.type !== 'hotp'
}

/** A counter as the library takes it: a number while it is safe, a bigint beyond. */
export function counterArg(counter: bigint): number | bigint {
  return counter <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(counter) : counter
}

function whole(id: string, what: string): number {
  const input = byId(id, HTMLInputElement)
  const value = input.valueAsNumber
  if (!Number.isFinite(value)) throw new FieldError(input, `${what}: enter a number`)
  return value
}

/** The secret input's key bytes. */
export function readKey(): Uint8Array {
  const input = byId('secret-input', HTMLInputElement)
  try {
    return parseSecret(input.value, checkedValue('secret-format') as SecretFormat)
  } catch (error) {
    throw new FieldError(input, error instanceof Error ? error.message : String(error))
  }
}

/** Everything needed for the codes; throws a FieldError naming the field to fix. */
export function readParams(): Params {
  const checked = checkedValue('type')
  const type = checked === 'hotp' || checked === 'steam' ? checked : 'totp'
  const timed = type !== 'hotp'
  const counterInput = byId('counter', HTMLInputElement)
  let counter = 0n
  if (type === 'hotp') {
    const text = counterInput.value.trim()
    if (!/^\d+$/.test(text) || BigInt(text) > MAX_COUNTER) {
      throw new FieldError(counterInput, 'counter: a whole number from 0 to 2^64 - 1 (18446744073709551615)')
    }
    counter = BigInt(text)
  }
  return {
    type,
    key: readKey(),
    // Steam Guard is SHA-1 and 5 characters whatever the hidden fields say.
    algorithm: type === 'steam' ? 'SHA1' : (byId('algorithm', HTMLSelectElement).value as Algorithm),
    digits: type === 'steam' ? 5 : whole('digits', 'digits'),
    period: timed ? whole('period', 'period') : 30,
    t0: timed ? whole('t0', 't0') : 0,
    time: timed ? whole('time', 'time') : 0,
    counter,
  }
}

/** The previous, current and next codes, computed by the library (the engine under test). */
import { hotp, totp } from 'otp-wasm'
import { counterArg, isTimed, type Params } from './params.js'
import { timeStep } from './steps.js'

export interface CodeAt {
  /** The HOTP counter: the time step T for TOTP. */
  counter: bigint
  code: string
}

export interface Codes {
  /** Absent before the first step (or counter 0). */
  previous?: CodeAt
  current: CodeAt
  /** Absent past the last counter, 2^64 - 1. */
  next?: CodeAt
}

const MAX_COUNTER = (1n << 64n) - 1n

/** The codes around the current step or counter. Throws the library's OtpError for bad parameters. */
export function codesAround(p: Params): Codes {
  const options = { digits: p.digits, algorithm: p.algorithm }
  if (isTimed(p)) {
    const timing = { period: p.period, t0: p.t0 }
    const at = (time: number): CodeAt => ({
      counter: timeStep(time, p.t0, p.period),
      code: p.type === 'steam' ? totp(p.key, { encoding: 'steam', time, ...timing }) : totp(p.key, { ...options, time, ...timing }),
    })
    const current = at(p.time)
    return {
      current,
      ...(current.counter > 0n ? { previous: at(p.time - p.period) } : {}),
      next: at(p.time + p.period),
    }
  }
  const at = (counter: bigint): CodeAt => ({ counter, code: hotp(p.key, counterArg(counter), options) })
  return {
    current: at(p.counter),
    ...(p.counter > 0n ? { previous: at(p.counter - 1n) } : {}),
    ...(p.counter < MAX_COUNTER ? { next: at(p.counter + 1n) } : {}),
  }
}

/** Seconds until the current TOTP (or Steam Guard) step ends. */
export function secondsLeft(p: Params): number {
  const into = (((p.time - p.t0) % p.period) + p.period) % p.period
  return p.period - into
}

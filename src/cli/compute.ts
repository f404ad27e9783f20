/**
 * Computes and verifies one code with resolved OtpParams, through the library's public functions.
 */
import { hotp, totp, verifyHotp, verifyTotp } from '../index.js'
import { UsageError } from './exit.js'
import type { OtpParams } from './otp-params.js'

/** The code for `params`. */
export function codeFor(key: Uint8Array, params: OtpParams): string {
  const { digits, algorithm } = params
  return params.type === 'hotp'
    ? hotp(key, params.counter, { digits, algorithm })
    : totp(key, { time: params.time, period: params.period, t0: params.t0, digits, algorithm })
}

/** The matched delta (HOTP: counters ahead; TOTP: steps either way), or null. */
export function verifyWith(key: Uint8Array, code: string, params: OtpParams, window: number): number | null {
  const { digits, algorithm } = params
  return params.type === 'hotp'
    ? verifyHotp(key, code, params.counter, { window, digits, algorithm })
    : verifyTotp(key, code, { time: params.time, period: params.period, t0: params.t0, window, digits, algorithm })
}

/** The TOTP time step of RFC 6238 section 4.2 at the resolved time. */
export function timeStep(params: OtpParams & { type: 'totp' }): number {
  return Math.floor((params.time - params.t0) / params.period)
}

/**
 * Checks that CODE is written as a code of `digits` digits. A code that cannot be one is an input
 * error (exit 2), not a code that failed to verify (exit 1).
 */
export function checkCodeText(code: string, digits: number, what = 'CODE'): void {
  if (!/^\d+$/.test(code)) throw new UsageError(`${what} must be digits only, got ${code.length} characters that are not all digits`)
  if (code.length !== digits) {
    const hint = code.length >= 6 && code.length <= 10 ? ` (for ${code.length}-digit codes add --digits ${code.length})` : ''
    throw new UsageError(`${what} has ${code.length} digits, but codes here have ${digits}${hint}`)
  }
}

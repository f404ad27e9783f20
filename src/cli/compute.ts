/**
 * Computes and verifies one code with resolved OtpParams, through the library's public functions.
 */
import { singleCodeApi, type SingleCodeApi } from '../core/otp.js'
import { defaultKernel } from '../kernels/select.js'
import { UsageError } from './exit.js'
import type { OtpParams } from './otp-params.js'

let api: SingleCodeApi | undefined
/** The module-level functions of the library (hotp, totp, verify..., resyncHotp), on its default kernel, made on first use. */
export const library = (): SingleCodeApi => (api ??= singleCodeApi(defaultKernel()))

/** The code for `params`. */
export function codeFor(key: Uint8Array, params: OtpParams): string {
  const { digits, algorithm } = params
  return params.type === 'hotp'
    ? library().hotp(key, params.counter, { digits, algorithm })
    : library().totp(key, { time: params.time, period: params.period, t0: params.t0, digits, algorithm })
}

/** The matched delta (HOTP: counters ahead; TOTP: steps either way), or null. */
export function verifyWith(key: Uint8Array, code: string, params: OtpParams, window: number): number | null {
  const { digits, algorithm } = params
  return params.type === 'hotp'
    ? library().verifyHotp(key, code, params.counter, { window, digits, algorithm })
    : library().verifyTotp(key, code, { time: params.time, period: params.period, t0: params.t0, window, digits, algorithm })
}

/** The TOTP time step of RFC 6238 section 4.2 at the resolved time. */
export function timeStep(params: OtpParams & { type: 'totp' }): number {
  return Math.floor((params.time - params.t0) / params.period)
}

/**
 * A code as people type it from an authenticator app, which shows it in groups: '996 554' and
 * '9965-54' are read as '996554'. One ASCII space or hyphen between two digits is dropped; any other
 * text is left as it is, for checkCodeText to refuse.
 */
export function typedCode(text: string): string {
  return /^\d+(?:[ -]\d+)+$/.test(text) ? text.replace(/[ -]/g, '') : text
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

/**
 * A TOTP token (RFC 6238) as pyotp and otpauth users expect one: `new Totp(secret, params)` checks the
 * secret and prepares its HMAC key once, and each code then costs two compressions per time step.
 * Answers are the module functions' (totp, verifyTotp) bit for bit, on every backend.
 */
import { OtpError, describe } from '../core/errors.js'
import type { Algorithm } from '../core/kernel.js'
import { NO_MATCH } from '../core/kernel.js'
import { formatCode } from '../core/otp.js'
import { PreparedKey } from '../core/prepared.js'
import type { Secret } from '../core/secret.js'
import { DEFAULT_PERIOD, MAX_WINDOW, checkDigits, checkKnownKeys, checkOptions, checkTimeStep, checkWindow } from '../core/validate.js'
import { buildUri } from '../io/uri.js'
import { moduleKernel } from '../kernels/module-kernel.js'
import { parseTypedCode } from './typed-code.js'

/** A TOTP token's parameters: those of an otpauth URI, and RFC 6238's T0. */
export interface TotpParams {
  /** The HMAC's hash. Default 'SHA1'. */
  algorithm?: Algorithm
  /** Code length, 6 to 10. Default 6. */
  digits?: number
  /** Time step in seconds (RFC 6238 X). Default 30. */
  period?: number
  /** Unix time the steps count from (RFC 6238 T0). Default 0. */
  t0?: number
}

/** Options of Totp.verify and Totp.match. */
export interface TotpCheckOptions {
  /** Unix seconds. Default: now. */
  time?: number
  /** Steps before and after the time's step to also try. Default 1 (as verifyTotp), at most MAX_WINDOW. */
  window?: number
}

/** The options Totp.match and Totp.verify know. */
const MATCH_OPTIONS = ['time', 'window']

/** The account and issuer of a token's otpauth URI. */
export interface UriLabel {
  account: string
  issuer?: string
}

/** Unix seconds of a Date, or the number given (checked by checkTimeStep). */
function secondsOf(time: unknown): unknown {
  return time instanceof Date ? time.getTime() / 1000 : time
}

/**
 * A TOTP token with its key prepared once. Dispose of it (`dispose()`, or `using`) to wipe the key.
 * @example
 * using token = new Totp('JBSWY3DPEHPK3PXP')
 * token.now()                   // '492039'
 * token.verify('492 039')       // true: codes are read as people type them
 */
export class Totp extends PreparedKey {
  /** Code length. */
  readonly digits: number
  /** Time step in seconds. */
  readonly period: number
  /** Unix time the steps count from. */
  readonly t0: number

  /**
   * Checks the secret (bytes or base32) and the parameters, and prepares the HMAC key.
   * @throws OtpError INVALID_SECRET, INVALID_ALGORITHM, INVALID_DIGITS, INVALID_PERIOD, INVALID_TIME, INVALID_OPTIONS.
   */
  constructor(secret: Secret, params?: TotpParams) {
    const o = checkOptions(params, 'Totp', ['algorithm', 'digits', 'period', 't0'])
    const digits = checkDigits(o.digits)
    // Checks period and t0 (a time equal to t0 is step 0).
    checkTimeStep(o.t0 ?? 0, o.period, o.t0)
    super(secret, o.algorithm, moduleKernel())
    this.digits = digits
    this.period = o.period ?? DEFAULT_PERIOD
    this.t0 = o.t0 ?? 0
  }

  /** The code of the current time step. */
  now(): string {
    return this.at(Date.now() / 1000)
  }

  /** The code of the time step of `time` (unix seconds, or a Date): totp() at that time. */
  at(time: number | Date): string {
    const alg = this.alg
    const step = this.stepOf(time)
    const value = moduleKernel().hotpPrepared(alg, this.state, Math.floor(step / 0x1_0000_0000), step >>> 0, this.digits)
    return formatCode(value, this.digits)
  }

  /**
   * The time step of `time` (default now), as checkTimeStep answers: a finite number from t0 to below
   * 2^53 is stepped at once (period and t0 were checked when the token was made); anything else goes
   * through checkTimeStep, which throws what it should.
   */
  private stepOf(time: unknown): number {
    const now = time === undefined ? Date.now() / 1000 : time
    if (typeof now === 'number' && now >= this.t0 && now - this.t0 < 2 ** 53) return Math.floor((now - this.t0) / this.period)
    return checkTimeStep(secondsOf(now), this.period, this.t0)
  }

  /**
   * The matched delta of `code` in steps, the closest to 0 first (0, -1, +1, ...), or null: verifyTotp's
   * answer. The whole window is checked in constant time. A code may be typed with one space or
   * hyphen between digit groups ('492 039').
   */
  match(code: string, options?: TotpCheckOptions): number | null {
    const alg = this.alg
    let time: unknown
    let w: unknown
    // The options read once each, as checkOptions would answer, without its key list: this runs per code.
    if (options !== undefined) {
      if (options === null || typeof options !== 'object') checkOptions(options, 'Totp.match')
      for (const key in options) if (key !== 'time' && key !== 'window') checkKnownKeys(options, 'Totp.match', MATCH_OPTIONS)
      time = options.time
      w = options.window
    }
    const step = this.stepOf(time)
    const window = typeof w === 'number' && w >= 0 && w <= MAX_WINDOW && Number.isInteger(w) ? w : checkWindow(w, 1)
    const value = parseTypedCode(code, this.digits)
    if (value < 0) return null
    // No step lies before t0.
    const delta = moduleKernel().verifyPrepared(
      alg,
      this.state,
      Math.floor(step / 0x1_0000_0000),
      step >>> 0,
      value,
      this.digits,
      Math.min(window, step),
      window,
    )
    return delta === NO_MATCH ? null : delta
  }

  /** Whether `code` matches in the window (match() is not null), as pyotp's verify answers. */
  verify(code: string, options?: TotpCheckOptions): boolean {
    return this.match(code, options) !== null
  }

  /** Seconds left in the time step of `time` (unix seconds or a Date; default now) before the code changes. */
  remaining(time?: number | Date): number {
    this.assertLive()
    const now = secondsOf(time ?? Date.now() / 1000)
    const step = this.stepOf(now)
    return this.t0 + (step + 1) * this.period - (now as number)
  }

  /**
   * The otpauth:// URI of this token (buildUri), for an authenticator app.
   * @throws OtpError('INVALID_OPTIONS') for a token with a t0, which no Key URI carries; and as buildUri.
   */
  uri(label: UriLabel): string {
    this.assertLive()
    if (this.t0 !== 0) {
      throw new OtpError('INVALID_OPTIONS', `an otpauth URI has no t0; this token's t0 is ${describe(this.t0)}`)
    }
    if (label === null || typeof label !== 'object') {
      throw new OtpError('INVALID_OPTIONS', `uri expects { account, issuer? }, got ${describe(label)}`)
    }
    const secret = this.secretCopy()
    try {
      return buildUri({
        type: 'totp',
        secret,
        account: label.account,
        issuer: label.issuer,
        algorithm: this.algorithm,
        digits: this.digits,
        period: this.period,
      })
    } finally {
      secret.fill(0)
    }
  }
}

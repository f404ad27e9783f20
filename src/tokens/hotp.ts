/**
 * An HOTP token (RFC 4226) as pyotp and otpauth users expect one: `new Hotp(secret, params)` checks
 * the secret and prepares its HMAC key once, and each counter then costs two compressions. Answers
 * are the module functions' (hotp, verifyHotp, resyncHotp) bit for bit, on every backend.
 */
import { OtpError, describe } from '../core/errors.js'
import { NO_MATCH, type Algorithm } from '../core/kernel.js'
import { formatCode, planResync } from '../core/otp.js'
import { PreparedKey } from '../core/prepared.js'
import type { Secret } from '../core/secret.js'
import { checkCounter, checkDigits, checkOptions, checkWindow } from '../core/validate.js'
import { buildUri } from '../io/uri.js'
import { moduleKernel } from '../kernels/module-kernel.js'
import type { UriLabel } from './totp.js'
import { parseTypedCode } from './typed-code.js'

/** An HOTP token's parameters: those of an otpauth URI. */
export interface HotpParams {
  /** The HMAC's hash. Default 'SHA1'. */
  algorithm?: Algorithm
  /** Code length, 6 to 10. Default 6. */
  digits?: number
  /** The counter of the next code, as an otpauth URI carries it (for uri()). Default 0. */
  counter?: number | bigint
}

/** Options of Hotp.verify and Hotp.match. */
export interface HotpCheckOptions {
  /** How many counters past `counter` to also try (look-ahead). Default 0, at most MAX_WINDOW. */
  window?: number
}

/** Options of Hotp.resync. */
export interface HotpResyncOptions {
  /** How many counters from `from` the first code may sit at. Default 10,000, at most MAX_LOOK_AHEAD. */
  lookAhead?: number
}

/** The key resyncHotp's checks run with: the scan itself runs on the prepared key. */
const NO_KEY = new Uint8Array(1)

/**
 * An HOTP token with its key prepared once. Dispose of it (`dispose()`, or `using`) to wipe the key.
 * @example
 * using token = new Hotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')
 * token.at(0)                   // '755224'
 * token.match('287 082', 0, { window: 5 })  // 1
 */
export class Hotp extends PreparedKey {
  /** Code length. */
  readonly digits: number
  /** The counter the token was made with (from its URI), written by uri(). */
  readonly counter: number | bigint

  /**
   * Checks the secret (bytes or base32) and the parameters, and prepares the HMAC key.
   * @throws OtpError INVALID_SECRET, INVALID_ALGORITHM, INVALID_DIGITS, INVALID_COUNTER, INVALID_OPTIONS.
   */
  constructor(secret: Secret, params?: HotpParams) {
    const o = checkOptions(params, 'Hotp', ['algorithm', 'digits', 'counter'])
    const digits = checkDigits(o.digits)
    if (o.counter !== undefined) checkCounter(o.counter)
    super(secret, o.algorithm, moduleKernel())
    this.digits = digits
    this.counter = o.counter ?? 0
  }

  /** The code of `counter` (0 to 2^64 - 1; a bigint above 2^53 - 1): hotp(). */
  at(counter: number | bigint): string {
    const alg = this.alg
    const digits = this.digits
    // A safe integer counter, the usual kind, splits without the object checkCounter returns.
    if (typeof counter === 'number' && Number.isSafeInteger(counter) && counter >= 0) {
      return formatCode(moduleKernel().hotpPrepared(alg, this.state, Math.floor(counter / 0x1_0000_0000), counter >>> 0, digits), digits)
    }
    const { hi, lo } = checkCounter(counter)
    return formatCode(moduleKernel().hotpPrepared(alg, this.state, hi, lo, digits), digits)
  }

  /**
   * The matched delta d in [0, window] (`code` is the code of counter + d), or null: verifyHotp's
   * answer, the window checked in constant time. On a match the next counter is counter + d + 1.
   * A code may be typed with one space or hyphen between digit groups ('287 082').
   */
  match(code: string, counter: number | bigint, options?: HotpCheckOptions): number | null {
    const alg = this.alg
    const o = checkOptions(options, 'Hotp.match', ['window'])
    const { hi, lo } = checkCounter(counter)
    const window = checkWindow(o.window, 0)
    const value = parseTypedCode(code, this.digits)
    if (value < 0) return null
    // The look-ahead stops at 2^64 - 1: no counter lies past it.
    const ahead = hi < 0xffff_ffff ? window : Math.min(window, 0xffff_ffff - lo)
    const delta = moduleKernel().verifyPrepared(alg, this.state, hi, lo, value, this.digits, 0, ahead)
    return delta === NO_MATCH ? null : delta
  }

  /** Whether `code` matches in the look-ahead (match() is not null), as pyotp's verify answers. */
  verify(code: string, counter: number | bigint, options?: HotpCheckOptions): boolean {
    return this.match(code, counter, options) !== null
  }

  /**
   * The resync of RFC 4226 section 7.4 (resyncHotp): the counter the next code will use, found where
   * `codes` (1 to 16 consecutive codes, typed as match() reads them) follow one another in
   * [from, from + lookAhead), or null.
   */
  resync(codes: string[], from: number | bigint, options?: HotpResyncOptions): number | bigint | null {
    const alg = this.alg
    const o = checkOptions(options, 'Hotp.resync', ['lookAhead'])
    // The strict form of each typed code, so that resyncHotp's own checks and plan apply unchanged.
    const strict = Array.isArray(codes)
      ? codes.map((code) => {
          const value = typeof code === 'string' ? parseTypedCode(code, this.digits) : -1
          return value < 0 ? code : formatCode(value, this.digits)
        })
      : codes
    const { scan, answer } = planResync(NO_KEY, strict, from, { digits: this.digits, algorithm: this.algorithm, lookAhead: o.lookAhead })
    if (scan === undefined) return answer(-1)
    scan.key.fill(0)
    return answer(moduleKernel().scanPrepared(alg, this.state, scan.hi, scan.lo, scan.count, scan.codes, scan.digits))
  }

  /**
   * The otpauth:// URI of this token (buildUri), with `counter` (default: the token's) as the counter
   * of the next code.
   * @throws OtpError as buildUri.
   */
  uri(label: UriLabel & { counter?: number | bigint }): string {
    this.assertLive()
    if (label === null || typeof label !== 'object') {
      throw new OtpError('INVALID_OPTIONS', `uri expects { account, issuer?, counter? }, got ${describe(label)}`)
    }
    const secret = this.secretCopy()
    try {
      return buildUri({
        type: 'hotp',
        secret,
        account: label.account,
        issuer: label.issuer,
        algorithm: this.algorithm,
        digits: this.digits,
        counter: label.counter ?? this.counter,
      })
    } finally {
      secret.fill(0)
    }
  }
}

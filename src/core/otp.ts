/**
 * One code at a time: HOTP (RFC 4226) and TOTP (RFC 6238) over any Kernel. The functions here check
 * their inputs (src/validate.ts) and hand the kernel only bytes and integers.
 */
import { NO_MATCH, type Algorithm, type AlgorithmId, type Kernel } from './kernel.js'
import { steamTotp, verifySteamTotp, wantsEncoding, type CodeEncoding } from './steam.js'
import { borrowKey, ownKey, releaseKey, type Secret } from './secret.js'
import {
  MAX_COUNTER,
  MAX_LOOK_AHEAD,
  checkAlgorithm,
  checkCounter,
  checkDigits,
  checkOptions,
  checkResyncCodes,
  checkTimeStep,
  checkWindow,
  parseCode,
} from './validate.js'

export interface HotpOptions {
  /** Code length, 6 to 10. Default 6. */
  digits?: number
  /** The HMAC's hash. Default 'SHA1'. */
  algorithm?: Algorithm
}

export interface TotpOptions extends HotpOptions {
  /** Unix time in seconds. Default: now. */
  time?: number
  /** Time step in seconds (RFC 6238 X). Default 30. */
  period?: number
  /** Unix time the steps count from (RFC 6238 T0). Default 0. */
  t0?: number
  /**
   * 'steam': a Steam Guard code, 5 characters of STEAM_ALPHABET (SHA-1, 30-second steps; `digits`
   * does not apply). Default: decimal digits.
   */
  encoding?: CodeEncoding
}

export interface VerifyHotpOptions extends HotpOptions {
  /** How many counters past `counter` to also try (look-ahead). Default 0, at most MAX_WINDOW. */
  window?: number
}

export interface VerifyTotpOptions extends TotpOptions {
  /** How many steps before and after now to also try. Default 1, at most MAX_WINDOW. */
  window?: number
}

export interface ResyncOptions extends HotpOptions {
  /** How many counters from `from` the first code may sit at. Default 10,000, at most MAX_LOOK_AHEAD. */
  lookAhead?: number
}

/** The options each single-code function knows: any other key is OtpError('INVALID_OPTIONS'). */
export const HOTP_OPTION_KEYS: readonly string[] = ['digits', 'algorithm']
export const TOTP_OPTION_KEYS: readonly string[] = [...HOTP_OPTION_KEYS, 'time', 'period', 't0']
export const VERIFY_HOTP_OPTION_KEYS: readonly string[] = [...HOTP_OPTION_KEYS, 'window']
export const VERIFY_TOTP_OPTION_KEYS: readonly string[] = [...TOTP_OPTION_KEYS, 'window']
export const RESYNC_OPTION_KEYS: readonly string[] = [...HOTP_OPTION_KEYS, 'lookAhead']

/** The default resync look-ahead. */
export const DEFAULT_LOOK_AHEAD = 10_000

/** Zeros to put before a code of `digits - n` digits: ZEROS[n]. */
const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000', '0000000', '00000000', '000000000']

/** A code as a string of exactly `digits` digits, leading zeros kept (a prefix from a table, not padStart). */
export function formatCode(value: number, digits: number): string {
  const text = '' + value
  return text.length >= digits ? text : ZEROS[digits - text.length] + text
}

/** The single-code API bound to one kernel. */
export interface SingleCodeApi {
  hotp(secret: Secret, counter: number | bigint, options?: HotpOptions): string
  totp(secret: Secret, options?: TotpOptions): string
  verifyHotp(secret: Secret, code: string, counter: number | bigint, options?: VerifyHotpOptions): number | null
  verifyTotp(secret: Secret, code: string, options?: VerifyTotpOptions): number | null
  resyncHotp(secret: Secret, codes: string[], from: number | bigint, options?: ResyncOptions): number | bigint | null
}

/** Binds the single-code functions to a kernel. */
export function singleCodeApi(kernel: Kernel): SingleCodeApi {
  return {
    hotp(secret, counter, options) {
      const o = checkOptions(options, 'hotp', HOTP_OPTION_KEYS)
      const key = borrowKey(secret)
      try {
        const { hi, lo } = checkCounter(counter)
        const digits = checkDigits(o.digits)
        return formatCode(kernel.hotp(checkAlgorithm(o.algorithm), key, hi, lo, digits), digits)
      } finally {
        releaseKey(key)
      }
    },

    totp(secret, options) {
      if (wantsEncoding(options)) return steamTotp(kernel, secret, options!)
      const o = checkOptions(options, 'totp', TOTP_OPTION_KEYS)
      const key = borrowKey(secret)
      try {
        const step = checkTimeStep(o.time, o.period, o.t0)
        const digits = checkDigits(o.digits)
        const { hi, lo } = checkCounter(step)
        return formatCode(kernel.hotp(checkAlgorithm(o.algorithm), key, hi, lo, digits), digits)
      } finally {
        releaseKey(key)
      }
    },

    verifyHotp(secret, code, counter, options) {
      const o = checkOptions(options, 'verifyHotp', VERIFY_HOTP_OPTION_KEYS)
      const key = borrowKey(secret)
      try {
        const { hi, lo } = checkCounter(counter)
        const digits = checkDigits(o.digits)
        const alg = checkAlgorithm(o.algorithm)
        const window = checkWindow(o.window, 0)
        const value = parseCode(code, digits)
        if (value < 0) return null
        // The look-ahead stops at 2^64 - 1: no counter lies past it.
        const ahead = hi < 0xffff_ffff ? window : Math.min(window, 0xffff_ffff - lo)
        const delta = kernel.verify(alg, key, hi, lo, value, digits, 0, ahead)
        return delta === NO_MATCH ? null : delta
      } finally {
        releaseKey(key)
      }
    },

    verifyTotp(secret, code, options) {
      if (wantsEncoding(options)) return verifySteamTotp(kernel, secret, code, options!)
      const o = checkOptions(options, 'verifyTotp', VERIFY_TOTP_OPTION_KEYS)
      const key = borrowKey(secret)
      try {
        const step = checkTimeStep(o.time, o.period, o.t0)
        const digits = checkDigits(o.digits)
        const alg = checkAlgorithm(o.algorithm)
        const window = checkWindow(o.window, 1)
        const value = parseCode(code, digits)
        if (value < 0) return null
        const { hi, lo } = checkCounter(step)
        // No step lies before t0.
        const delta = kernel.verify(alg, key, hi, lo, value, digits, Math.min(window, step), window)
        return delta === NO_MATCH ? null : delta
      } finally {
        releaseKey(key)
      }
    },

    resyncHotp(secret, codes, from, options) {
      const { scan, answer } = planResync(secret, codes, from, options)
      if (scan === undefined) return answer(-1)
      const { alg, key, hi, lo, count, codes: values, digits } = scan
      try {
        return answer(kernel.scan(alg, key, hi, lo, count, values, digits))
      } finally {
        key.fill(0)
      }
    },
  }
}

/** The scan a resync needs: Kernel.scan's arguments, checked. */
export interface ResyncScan {
  readonly alg: AlgorithmId
  readonly key: Uint8Array
  readonly hi: number
  readonly lo: number
  readonly count: number
  readonly codes: readonly number[]
  readonly digits: number
}

/** A resync's inputs, checked: the scan it needs, and how the scan's offset becomes resyncHotp's answer. */
export interface ResyncPlan {
  /** Undefined when the answer is null without a scan (a code that can never match, no room left). */
  readonly scan: ResyncScan | undefined
  /** The answer for the scan's offset (-1: no match). */
  answer(offset: number): number | bigint | null
}

/**
 * Checks resyncHotp's inputs (RFC 4226 section 7.4) and plans its scan, so that an engine can run
 * the scan elsewhere (in workers) and still answer exactly as resyncHotp does. The plan's key is its
 * own copy (ownKey), never the caller's array: the scan may outlive the call, and whoever runs it
 * wipes it after. `known` are the option keys accepted (an engine adds its `signal`).
 * @throws OtpError for a bad input.
 */
export function planResync(
  secret: Secret,
  codes: string[],
  from: number | bigint,
  options?: ResyncOptions,
  known: readonly string[] = RESYNC_OPTION_KEYS,
): ResyncPlan {
  const o = checkOptions(options, 'resyncHotp', known)
  const key = ownKey(secret)
  try {
    const { hi, lo } = checkCounter(from, 'from')
    const digits = checkDigits(o.digits)
    const alg = checkAlgorithm(o.algorithm)
    const values = checkResyncCodes(codes, digits)
    const lookAhead = checkWindow(o.lookAhead, DEFAULT_LOOK_AHEAD, MAX_LOOK_AHEAD, 'lookAhead')
    const start = (BigInt(hi) << 32n) + BigInt(lo)
    // The answer, the counter after the last code's, must still be a 64-bit counter: a match whose
    // last code sits at 2^64 - 1 has no next counter to answer, so it is not looked for.
    const room = MAX_COUNTER - start - BigInt(values.length) + 1n
    const count = room < BigInt(lookAhead) ? Math.max(0, Number(room)) : lookAhead
    const asBigint = typeof from === 'bigint'
    const answer = (offset: number) => (offset < 0 ? null : counterResult(start + BigInt(offset + values.length), asBigint))
    if (count === 0 || values.includes(-1)) {
      key.fill(0)
      return { scan: undefined, answer }
    }
    return { scan: { alg, key, hi, lo, count, codes: values, digits }, answer }
  } catch (error) {
    key.fill(0)
    throw error
  }
}

/** A counter as the caller gave its kind: a bigint stays a bigint; a number stays one while it is safe. */
export function counterResult(counter: bigint, asBigint: boolean): number | bigint {
  return asBigint || counter > BigInt(Number.MAX_SAFE_INTEGER) ? counter : Number(counter)
}

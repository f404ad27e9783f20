/**
 * The token that every import and export format shares (PSKC, the Google Authenticator transfer,
 * seed CSV): what `parseUri` returns, plus what token files add (serial number, manufacturer, clock
 * drift, an identifier).
 *
 * Every writer checks its tokens here, with the core validators (secret, algorithm, digits, period,
 * counter), so that each format refuses the same things with the same codes; every reader builds its
 * tokens here too, and turns a refusal into its own format's error naming where in the file it was.
 */
import { OtpError, describe, type OtpErrorCode } from '../core/errors.js'
import { ALGORITHMS } from '../core/kernel.js'
import { toKey } from '../core/secret.js'
import { checkAlgorithm, checkCounter, checkDigits, checkPeriod, DEFAULT_PERIOD } from '../core/validate.js'
import type { OtpauthUri } from './uri.js'

/** A token as the import and export formats read and write it. */
export interface Token extends OtpauthUri {
  /** The hardware token's serial number (PSKC `SerialNo`, the `serial` column of a seed file). */
  serial?: string
  /** Who made the token (PSKC `Manufacturer`). */
  manufacturer?: string
  /** TOTP only: how far the token's clock is off, in time steps (PSKC `TimeDrift`). */
  drift?: number
  /** The key's identifier in its file (PSKC `Key Id`, the `id` column of a seed file). */
  id?: string
}

/** The optional text fields of a token, checked alike. */
const TEXT_FIELDS = ['issuer', 'serial', 'manufacturer', 'id'] as const

/**
 * Checks a token given to a writer and returns a normalized copy (a fresh secret, the algorithm's
 * canonical name, period 30 for a TOTP token without one, a counter as a number up to 2^53 - 1).
 *
 * @param where names the token in messages, e.g. `buildPskc: tokens[3]`.
 * @throws OtpError with the code of the failed check: INVALID_OPTIONS (type, names, drift),
 *   INVALID_SECRET, INVALID_ALGORITHM, INVALID_DIGITS, INVALID_PERIOD, INVALID_COUNTER.
 */
export function checkToken(token: unknown, where: string): Token {
  if (token === null || typeof token !== 'object') {
    throw new OtpError('INVALID_OPTIONS', `${where}: expected a token object, got ${describe(token)}`)
  }
  const input = token as Partial<Token>
  return prefixed(where, () => {
    const type = input.type
    if (type !== 'totp' && type !== 'hotp') {
      throw new OtpError('INVALID_OPTIONS', `type must be 'totp' or 'hotp', got ${describeText(type)}`)
    }
    // A copy, and a plain Uint8Array (Buffer.slice would share memory).
    const secret = new Uint8Array(toKey(input.secret))
    const algorithm = ALGORITHMS[checkAlgorithm(input.algorithm)]!
    const digits = checkDigits(input.digits)
    const account = input.account ?? ''
    if (typeof account !== 'string') {
      throw new OtpError('INVALID_OPTIONS', `account must be a string, got ${describe(account)}`)
    }
    const result: Token = { type, secret, account, algorithm, digits }
    for (const field of TEXT_FIELDS) {
      const value = input[field]
      if (value === undefined || value === '') continue
      if (typeof value !== 'string') {
        throw new OtpError('INVALID_OPTIONS', `${field} must be a string, got ${describe(value)}`)
      }
      result[field] = value
    }
    if (type === 'totp') {
      if (input.counter !== undefined) throw new OtpError('INVALID_OPTIONS', 'a totp token has a period, not a counter')
      result.period = checkPeriod(input.period ?? DEFAULT_PERIOD)
      if (input.drift !== undefined) {
        if (!Number.isSafeInteger(input.drift)) {
          throw new OtpError('INVALID_OPTIONS', `drift must be a whole number of time steps, got ${describe(input.drift)}`)
        }
        result.drift = input.drift
      }
    } else {
      if (input.period !== undefined) throw new OtpError('INVALID_OPTIONS', 'an hotp token has a counter, not a period')
      if (input.drift !== undefined) throw new OtpError('INVALID_OPTIONS', 'an hotp token has no clock drift')
      if (input.counter === undefined) {
        throw new OtpError('INVALID_COUNTER', 'an hotp token needs a counter (a whole number from 0 to 2^64 - 1)')
      }
      checkCounter(input.counter)
      result.counter = normalizeCounter(input.counter)
    }
    return result
  })
}

/**
 * Runs a reader's final check of one token: any OtpError from the validators becomes `code` (the
 * format's error, e.g. INVALID_PSKC), its message prefixed with where the token is in the file.
 */
export function readToken(fields: Partial<Token>, code: OtpErrorCode, where: string): Token {
  try {
    return checkToken(fields, where)
  } catch (error) {
    if (!(error instanceof OtpError)) throw error
    throw new OtpError(code, error.message, { cause: error })
  }
}

/** A counter as parseUri returns it: a number up to 2^53 - 1, a bigint above. */
export function normalizeCounter(counter: number | bigint): number | bigint {
  return typeof counter === 'bigint' && counter <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(counter) : counter
}

/** Runs `body`, prefixing the message of any OtpError it throws with `where` (same code, same cause chain). */
function prefixed<T>(where: string, body: () => T): T {
  try {
    return body()
  } catch (error) {
    if (!(error instanceof OtpError)) throw error
    throw new OtpError(error.code, `${where}: ${error.message}`, { cause: error.cause })
  }
}

/** Names a non-secret option value: short strings are shown, everything else described. */
function describeText(value: unknown): string {
  return typeof value === 'string' && value.length <= 16 ? `'${value}'` : describe(value)
}

/**
 * The OTP parameters of `code`, `verify` and `explain`: HOTP or TOTP, the counter or the time, digits,
 * algorithm, period and t0, taken from the flags, else from an otpauth:// URI, else the defaults.
 */
import { ALGORITHMS, type Algorithm } from '../core/kernel.js'
import { parseChoice, parseCounter, parseInteger, parseTime } from './args.js'
import { UsageError } from './exit.js'
import type { SecretInput } from './secret-input.js'

/** The flags describing how a code is computed. */
export const OTP_OPTIONS = {
  time: { type: 'string' },
  digits: { type: 'string' },
  algorithm: { type: 'string' },
  period: { type: 'string' },
  t0: { type: 'string' },
} as const

/** The help lines of OTP_OPTIONS. */
export const OTP_OPTIONS_HELP = `  --time T           TOTP at T: unix seconds or an ISO 8601 date (default: now)
  --period S         TOTP time step in seconds (default 30, RFC 6238 X)
  --t0 T             TOTP start of time steps, unix seconds (default 0, RFC 6238 T0)
  --digits N         code length, 6 to 10 (default 6)
  --algorithm A      SHA1, SHA256 or SHA512 (default SHA1)`

interface Common {
  digits: number
  algorithm: Algorithm
}

/** A code's parameters: an HOTP counter, or a TOTP moment. */
export type OtpParams =
  (Common & { type: 'hotp'; counter: number | bigint }) | (Common & { type: 'totp'; time: number; period: number; t0: number })

/** The option values OTP_OPTIONS produce, plus the command's counter option. */
export interface OtpOptionValues {
  time?: string
  digits?: string
  algorithm?: string
  period?: string
  t0?: string
}

/**
 * Resolves the parameters. HOTP is chosen by a counter (`counterText`, given by the command's
 * counter option) or by an hotp URI; TOTP otherwise. Flags that belong to the other type are usage
 * errors rather than silently ignored.
 */
export function resolveOtpParams(
  values: OtpOptionValues,
  secret: SecretInput,
  counter: { text: string | undefined; option: string },
): OtpParams {
  const uri = secret.uri
  const digits = values.digits !== undefined ? parseInteger(values.digits, '--digits', 6, 10) : (uri?.digits ?? 6)
  const algorithm = values.algorithm !== undefined ? parseChoice(values.algorithm, '--algorithm', ALGORITHMS) : (uri?.algorithm ?? 'SHA1')

  if (counter.text !== undefined || uri?.type === 'hotp') {
    for (const totpOnly of ['time', 'period', 't0'] as const) {
      if (values[totpOnly] !== undefined) throw new UsageError(`--${totpOnly} applies to TOTP, not to an HOTP counter`)
    }
    const value = counter.text !== undefined ? parseCounter(counter.text, counter.option) : uri!.counter!
    return { type: 'hotp', counter: value, digits, algorithm }
  }
  const time = values.time !== undefined ? parseTime(values.time, '--time') : Date.now() / 1000
  const period = values.period !== undefined ? parseInteger(values.period, '--period', 1, Number.MAX_SAFE_INTEGER) : (uri?.period ?? 30)
  const t0 = values.t0 !== undefined ? parseTime(values.t0, '--t0') : 0
  if (time < t0) throw new UsageError('--time is before --t0: no TOTP time step is defined there')
  return { type: 'totp', time, period, t0, digits, algorithm }
}

/** Describes the parameters for a message: "TOTP, SHA1, 6 digits, period 30 s". */
export function describeParams(params: OtpParams): string {
  const common = `${params.algorithm}, ${params.digits} digits`
  return params.type === 'hotp'
    ? `HOTP, ${common}, counter ${params.counter}`
    : `TOTP, ${common}, period ${params.period} s${params.t0 === 0 ? '' : `, t0 ${params.t0}`}`
}

/**
 * Steam Guard codes: TOTP (RFC 6238, SHA-1, 30-second steps) whose 31-bit truncated value (RFC 4226
 * section 5.3) is written as 5 characters of a 26-letter alphabet, least significant first, instead
 * of decimal digits. Asked for with `encoding: 'steam'`, as the authenticator apps' `encoder=steam`.
 */
import { OtpError, describe } from './errors.js'
import type { Kernel } from './kernel.js'
import { toKey, type Secret } from './secret.js'
import { checkCounter, checkTimeStep, checkWindow } from './validate.js'

/** The characters of a Steam Guard code: digits and consonants that cannot be mistaken for each other. */
export const STEAM_ALPHABET = '23456789BCDFGHJKMNPQRTVWXY'
/** Characters per Steam Guard code. */
export const STEAM_LENGTH = 5

/** The code encodings TOTP knows besides decimal digits. */
export type CodeEncoding = 'steam'

/** What a Steam Guard TOTP takes: the time, and a window for verification. */
export interface SteamOptions {
  encoding: 'steam'
  time?: number
  period?: number
  t0?: number
  window?: number
  /** Steam Guard is SHA-1 only; 'SHA1' is accepted, any other is refused. */
  algorithm?: 'SHA1'
}

const KEYS = new Set(['encoding', 'time', 'period', 't0', 'algorithm'])
const VERIFY_KEYS = new Set([...KEYS, 'window'])

/** Whether TOTP options ask for an encoding other than decimal digits (the caller then hands them to steamTotp). */
export function wantsEncoding(options: unknown): boolean {
  return options !== null && typeof options === 'object' && (options as { encoding?: unknown }).encoding !== undefined
}

/** The 5 characters of a 31-bit truncated value: repeatedly its remainder mod 26, then the quotient. */
export function steamEncode(value: number): string {
  let code = ''
  for (let i = 0; i < STEAM_LENGTH; i++) {
    code += STEAM_ALPHABET[value % STEAM_ALPHABET.length]
    value = Math.floor(value / STEAM_ALPHABET.length)
  }
  return code
}

function check(options: object, where: string, keys: Set<string>): Required<Pick<SteamOptions, 'encoding'>> & SteamOptions {
  const o = options as SteamOptions
  const encoding: unknown = o.encoding
  if (encoding !== 'steam') {
    const given = typeof encoding === 'string' ? JSON.stringify(encoding.slice(0, 20)) : describe(encoding)
    throw new OtpError('INVALID_OPTIONS', `${where}: encoding must be 'steam' (or absent, for decimal digits), got ${given}`)
  }
  for (const key of Object.keys(o)) {
    if (!keys.has(key)) {
      const hint = key === 'digits' ? ' (Steam Guard codes are always 5 characters)' : ''
      throw new OtpError(
        'INVALID_OPTIONS',
        `${where}: option ${JSON.stringify(key.slice(0, 30))} does not apply to Steam Guard codes${hint}; expected ${[...keys].join(', ')}`,
      )
    }
  }
  if (o.algorithm !== undefined && o.algorithm !== 'SHA1') {
    throw new OtpError('INVALID_ALGORITHM', `${where}: Steam Guard codes use SHA1, got ${describe(o.algorithm)}`)
  }
  return o
}

/** The value the kernel computes at 10 digits: 10^10 exceeds 2^31, so nothing is reduced. */
const WHOLE = 10

/** The Steam Guard code at `time` (unix seconds, default now). */
export function steamTotp(kernel: Kernel, secret: Secret, options: object): string {
  const o = check(options, 'totp', KEYS)
  const key = toKey(secret)
  const { hi, lo } = checkCounter(checkTimeStep(o.time, o.period, o.t0))
  return steamEncode(kernel.hotp(0, key, hi, lo, WHOLE))
}

/**
 * Checks a Steam Guard code against the steps around `time`: the delta closest to 0 (0, -1, +1, ...),
 * or null. Every step of the window is computed and compared, whatever matches. Letter case is
 * ignored, as the apps show upper case and people type either.
 */
export function verifySteamTotp(kernel: Kernel, secret: Secret, code: unknown, options: object): number | null {
  const o = check(options, 'verifyTotp', VERIFY_KEYS)
  if (typeof code !== 'string') {
    throw new OtpError('INVALID_CODE', `code must be a string of ${STEAM_LENGTH} Steam Guard characters, got ${describe(code)}`)
  }
  const key = toKey(secret)
  const step = checkTimeStep(o.time, o.period, o.t0)
  const window = checkWindow(o.window, 1)
  const typed = code.toUpperCase()
  if (typed.length !== STEAM_LENGTH) return null
  let found: number | null = null
  // From the least preferred step to the most, so that the last match kept is the one to answer.
  for (let m = window; m >= 0; m--) {
    for (const d of m === 0 ? [0] : [m, -m]) {
      if (step + d < 0) continue
      const { hi, lo } = checkCounter(step + d)
      const candidate = steamEncode(kernel.hotp(0, key, hi, lo, WHOLE))
      let diff = 0
      for (let i = 0; i < STEAM_LENGTH; i++) diff |= candidate.charCodeAt(i) ^ typed.charCodeAt(i)
      if (diff === 0) found = d
    }
  }
  return found
}

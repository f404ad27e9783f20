/**
 * Steam Guard in otpauth:// URIs, as authenticator apps write it (KeePassXC, andOTP, Aegis exports):
 * a totp URI with `encoder=steam`, usually with `digits=5`. parseUri answers `encoding: 'steam'`
 * (digits 5, which totp's `encoding: 'steam'` implies); buildUri writes both parameters.
 */
import { OtpError, describe } from '../core/errors.js'
import { STEAM_LENGTH } from '../core/steam.js'

/** What parseUri reads from `encoder` (and, for Steam, `digits`); undefined for a plain URI. */
export function parseEncoder(
  encoder: string | undefined,
  digits: string | undefined,
  type: string,
  algorithm: string,
): 'steam' | undefined {
  if (encoder === undefined || encoder === '') return undefined
  if (encoder.toLowerCase() !== 'steam') {
    throw new OtpError('INVALID_URI', `parseUri: expected 'encoder' to be steam (or absent), got '${encoder.slice(0, 24)}'`)
  }
  if (type !== 'totp') throw new OtpError('INVALID_URI', 'parseUri: encoder=steam needs a totp URI')
  if (algorithm !== 'SHA1') throw new OtpError('INVALID_URI', `parseUri: encoder=steam codes use SHA1, got ${algorithm}`)
  if (digits !== undefined && digits !== String(STEAM_LENGTH)) {
    throw new OtpError('INVALID_URI', `parseUri: encoder=steam codes have ${STEAM_LENGTH} characters, got 'digits' ${digits.slice(0, 24)}`)
  }
  return 'steam'
}

/** What buildUri writes for `encoding`: the parameters after `algorithm`, or undefined for decimal codes. */
export function steamParams(input: { type?: unknown; encoding?: unknown; digits?: unknown; algorithm?: unknown }): string[] | undefined {
  if (input.encoding === undefined) return undefined
  if (input.encoding !== 'steam') {
    throw new OtpError('INVALID_OPTIONS', `buildUri: encoding must be 'steam' (or absent), got ${describe(input.encoding)}`)
  }
  if (input.type !== 'totp') throw new OtpError('INVALID_OPTIONS', 'buildUri: a Steam Guard URI is a totp URI')
  if (input.digits !== undefined && input.digits !== STEAM_LENGTH) {
    throw new OtpError(
      'INVALID_DIGITS',
      `buildUri: Steam Guard codes have ${STEAM_LENGTH} characters; leave digits out, got ${describe(input.digits)}`,
    )
  }
  if (input.algorithm !== undefined && input.algorithm !== 'SHA1') {
    throw new OtpError('INVALID_ALGORITHM', `buildUri: Steam Guard codes use SHA1, got ${describe(input.algorithm)}`)
  }
  return [`digits=${STEAM_LENGTH}`, 'encoder=steam']
}

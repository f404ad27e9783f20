/**
 * fromUri: the token object an otpauth:// URI describes (a Totp or an Hotp), as pyotp's
 * parse_uri and otpauth's URI.parse make one.
 */
import { parseUri } from '../io/uri.js'
import { Hotp } from './hotp.js'
import { Totp } from './totp.js'

/**
 * Reads an otpauth:// URI (parseUri) and prepares its token: a Totp with the URI's algorithm, digits
 * and period, or an Hotp with its algorithm, digits and counter. The parsed secret is wiped after.
 * @throws OtpError as parseUri (INVALID_URI).
 */
export function fromUri(uri: string): Totp | Hotp {
  const parsed = parseUri(uri)
  try {
    const { secret, algorithm, digits } = parsed
    return parsed.type === 'totp'
      ? new Totp(secret, { algorithm, digits, period: parsed.period })
      : new Hotp(secret, { algorithm, digits, counter: parsed.counter })
  } finally {
    parsed.secret.fill(0)
  }
}

/**
 * randomBase32: a new secret as base32 text, the form otpauth URIs and authenticator apps take, as
 * pyotp's random_base32 makes one.
 */
import { base32Encode } from '../core/base32.js'
import { randomSecret } from '../core/secret.js'

/**
 * A new random secret from the platform's CSPRNG, as unpadded base32: `bytes` bytes (default 20,
 * 160 bits as RFC 4226 R6 asks; 20 to 1024), so 32 characters by default.
 * @throws OtpError('INVALID_SECRET') for a length outside 20 to 1024.
 */
export function randomBase32(bytes = 20): string {
  const secret = randomSecret(bytes)
  try {
    return base32Encode(secret)
  } finally {
    secret.fill(0)
  }
}

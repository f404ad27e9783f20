/**
 * Secrets: the key bytes of RFC 4226, given as bytes or as base32 text.
 */
import { base32Decode, base32DecodeInto, base32DecodedBound } from './base32.js'
import { OtpError, describe } from './errors.js'

/** A secret: the key bytes, or their base32 text (case-insensitive, spaces and '=' padding allowed). */
export type Secret = Uint8Array | string

/** The longest key accepted: longer keys are legal HMAC keys, but no OTP token has one. */
export const MAX_SECRET_BYTES = 1024

/**
 * The shortest secret randomSecret() makes: 160 bits, the length RFC 4226 section 4 recommends
 * (R6). Verification still accepts shorter keys, since real 80-bit tokens exist.
 */
export const MIN_GENERATED_SECRET_BYTES = 20

/** Turns a secret into its key bytes, checking its type and its length (1 to 1024 bytes). */
export function toKey(secret: unknown): Uint8Array {
  let key: Uint8Array
  if (typeof secret === 'string') key = base32Decode(secret)
  else if (secret instanceof Uint8Array) key = secret
  else {
    throw new OtpError('INVALID_SECRET', `secret must be a Uint8Array or a base32 string, got ${describe(secret)}`)
  }
  if (key.length === 0 || key.length > MAX_SECRET_BYTES) {
    throw new OtpError('INVALID_SECRET', `secret must be 1 to ${MAX_SECRET_BYTES} bytes, got ${key.length} bytes`)
  }
  return key
}

/**
 * The key bytes as the library's own copy: a fresh Uint8Array over a fresh ArrayBuffer, whatever the
 * caller gave (a Buffer, a slice of Node's shared Buffer pool, a view with an offset, a view of a
 * SharedArrayBuffer). Read once: the length is checked on the copy. Calls that keep a key past
 * their return, or wipe it after use, work on this copy and never on the caller's memory.
 */
export function ownKey(secret: unknown): Uint8Array {
  // Uint8Array.prototype.slice would do too, but not Buffer.prototype.slice, which returns a view.
  return toKey(secret instanceof Uint8Array ? new Uint8Array(secret) : secret)
}

/** The one array base32 secrets of single-code calls are decoded into, wiped after each call. */
const scratch = new Uint8Array(MAX_SECRET_BYTES)
/** Views of the scratch by length, made once each, so that a call allocates none. */
const scratchViews: Uint8Array[] = []

/**
 * The key bytes of `secret` for one synchronous call, as toKey checks them: bytes as given; base32
 * decoded into one scratch array reused by every call (no array per call). Give it back with
 * releaseKey before returning; never keep it.
 */
export function borrowKey(secret: unknown): Uint8Array {
  if (typeof secret !== 'string' || base32DecodedBound(secret) > MAX_SECRET_BYTES) return toKey(secret)
  let length: number
  try {
    length = base32DecodeInto(secret, scratch)
  } catch (error) {
    scratch.fill(0)
    throw error
  }
  if (length === 0) return toKey(scratch.subarray(0, 0))
  return (scratchViews[length] ??= scratch.subarray(0, length))
}

/** Wipes a key from borrowKey when it is the scratch (the caller's own bytes are never touched). */
export function releaseKey(key: Uint8Array): void {
  if (key.buffer === scratch.buffer) key.fill(0)
}

/**
 * A new random secret from the platform's CSPRNG (crypto.getRandomValues): 20 bytes (160 bits) by
 * default, at least 20 and at most 1024.
 */
export function randomSecret(bytes = 20): Uint8Array {
  if (!Number.isInteger(bytes) || bytes < MIN_GENERATED_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
    throw new OtpError(
      'INVALID_SECRET',
      `randomSecret needs a whole number of bytes from ${MIN_GENERATED_SECRET_BYTES} (160 bits, RFC 4226 R6) to ${MAX_SECRET_BYTES}, got ${describe(bytes)}`,
    )
  }
  const secret = new Uint8Array(bytes)
  // getRandomValues fills at most 65536 bytes per call; 1024 is well within.
  globalThis.crypto.getRandomValues(secret)
  return secret
}

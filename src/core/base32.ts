/**
 * Base32 of RFC 4648 section 6, the way otpauth URIs and authenticator apps write secrets.
 */
import { OtpError, describe } from './errors.js'
import { checkOptions } from './validate.js'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** Character code -> 5-bit value, or -1; lowercase letters decode like uppercase. */
const VALUES = (() => {
  const table = new Int8Array(128).fill(-1)
  for (let i = 0; i < 32; i++) {
    table[ALPHABET.charCodeAt(i)] = i
    table[ALPHABET.toLowerCase().charCodeAt(i)] = i
  }
  return table
})()

/**
 * Encodes bytes as base32 (RFC 4648 section 6), uppercase. Unpadded by default, as the Key URI
 * format writes secrets; `{ padding: true }` adds the '=' padding of the RFC.
 */
export function base32Encode(bytes: Uint8Array, options?: { padding?: boolean }): string {
  if (!(bytes instanceof Uint8Array)) {
    throw new OtpError('INVALID_SECRET', `base32Encode expected a Uint8Array, got ${describe(bytes)}`)
  }
  const padding = checkOptions(options, 'base32Encode', ['padding']).padding
  if (padding !== undefined && typeof padding !== 'boolean') {
    throw new OtpError('INVALID_OPTIONS', `base32Encode padding must be a boolean, got ${describe(padding)}`)
  }
  let out = ''
  let buffer = 0
  let bits = 0
  for (let i = 0; i < bytes.length; i++) {
    buffer = ((buffer << 8) | bytes[i]!) & 0xfff
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out += ALPHABET[(buffer >>> bits) & 31]
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31]
  if (padding) out += '='.repeat((8 - (out.length % 8)) % 8)
  return out
}

/**
 * Decodes base32 text (RFC 4648 section 6). Case-insensitive; spaces anywhere and '=' padding at
 * the end are accepted, as authenticator apps write them. Any other character, or a length that no
 * whole number of bytes encodes to, throws OtpError('INVALID_SECRET'); the message gives the
 * position, never the text.
 */
export function base32Decode(text: string): Uint8Array {
  if (typeof text !== 'string') {
    throw new OtpError('INVALID_SECRET', `base32Decode expected a string, got ${describe(text)}`)
  }
  const out = new Uint8Array(base32DecodedBound(text))
  return out.subarray(0, base32DecodeInto(text, out))
}

/** The most bytes base32Decode can make of `text`: what base32DecodeInto's `out` must hold. */
export function base32DecodedBound(text: string): number {
  return Math.floor((text.length * 5) / 8)
}

/**
 * base32Decode into `out` (at least base32DecodedBound(text) bytes, from its start), returning the
 * length: the decoding without an array of its own, for callers that reuse one (and wipe it).
 * @throws OtpError('INVALID_SECRET') as base32Decode.
 */
export function base32DecodeInto(text: string, out: Uint8Array): number {
  let length = 0
  let buffer = 0
  let bits = 0
  let chars = 0
  let padding = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x20) continue
    if (c === 0x3d) {
      padding = true
      continue
    }
    const value = c < 128 ? VALUES[c]! : -1
    if (value < 0 || padding) {
      const what = value < 0 ? 'a character outside the base32 alphabet (A-Z, 2-7)' : "a character after '=' padding"
      throw new OtpError('INVALID_SECRET', `base32 secret has ${what} at position ${i}`)
    }
    buffer = ((buffer << 5) | value) & 0xfff
    bits += 5
    chars++
    if (bits >= 8) {
      bits -= 8
      out[length++] = (buffer >>> bits) & 0xff
    }
  }
  // Lengths 1, 3 and 6 (mod 8): no whole number of bytes encodes to them.
  const tail = chars & 7
  if (tail === 1 || tail === 3 || tail === 6) {
    throw new OtpError(
      'INVALID_SECRET',
      `base32 secret has ${chars} characters; no whole number of bytes encodes to a length of 1, 3 or 6 (mod 8)`,
    )
  }
  return length
}

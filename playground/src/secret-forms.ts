/**
 * A secret in the three ways people write it: base32 (authenticator apps, otpauth:// URIs), hex
 * (RFC test vectors, HSMs) and text (the RFC seeds are ASCII). Each parses to the same key bytes.
 */
import { base32Decode, base32Encode } from 'otp-wasm'

export type SecretFormat = 'base32' | 'hex' | 'text'

/** The key bytes written as `format`. Throws with a message for the person typing. */
export function parseSecret(text: string, format: SecretFormat): Uint8Array {
  switch (format) {
    case 'base32':
      return base32Decode(text)
    case 'hex':
      return parseHex(text)
    case 'text':
      return new TextEncoder().encode(text)
  }
}

function parseHex(text: string): Uint8Array {
  // Spaces, colons and a 0x prefix are how hex keys are usually copied.
  const digits = text.trim().replace(/^0x/i, '').replace(/[\s:]/g, '')
  if (!/^[0-9a-f]*$/i.test(digits)) throw new Error('hex secrets use only 0-9 and a-f (spaces and colons are ignored)')
  if (digits.length % 2 !== 0) throw new Error(`hex needs two digits per byte, got ${digits.length} digits`)
  const bytes = new Uint8Array(digits.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16)
  return bytes
}

/** Bytes as lowercase hex, two digits each, no separator. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** The key as text, or undefined when its bytes are not printable UTF-8 (random keys rarely are). */
export function toText(bytes: Uint8Array): string | undefined {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
  // Control characters would not survive being typed back in.
  // eslint-disable-next-line no-control-regex -- matching them is the point
  return /[\u0000-\u001f\u007f-\u009f]/.test(text) ? undefined : text
}

/** The key written in `format`, to put back in the input when the format changes; undefined if it cannot be. */
export function formatSecret(bytes: Uint8Array, format: SecretFormat): string | undefined {
  switch (format) {
    case 'base32':
      return base32Encode(bytes)
    case 'hex':
      return toHex(bytes)
    case 'text':
      return toText(bytes)
  }
}

/**
 * Dynamic truncation (RFC 4226 section 5.3) and constant-time code selection, shared by the JS kernel
 * and the CLI's explain command. The WASM kernel has its own copy in assembly/otp.ts.
 */

/** 10^d for d = 0..10: the modulus for a d-digit code. */
export const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10] as const

/** The offset nibble: the low 4 bits of the last byte of the HMAC (RFC 4226 section 5.3). */
export function truncationOffset(mac: Uint8Array): number {
  return mac[mac.length - 1]! & 0x0f
}

/** The 31-bit value read big-endian at the offset, with its top bit masked off. */
export function truncatedValue(mac: Uint8Array): number {
  const o = truncationOffset(mac)
  return (((mac[o]! & 0x7f) << 24) | (mac[o + 1]! << 16) | (mac[o + 2]! << 8) | mac[o + 3]!) >>> 0
}

/** The HOTP value of an HMAC: its truncated value modulo 10^digits. */
export function truncate(mac: Uint8Array, digits: number): number {
  return truncatedValue(mac) % POWERS_OF_TEN[digits]!
}

/**
 * -1 (all bits set) when a === b, else 0, without a data-dependent branch.
 * a and b are codes below 2^31, so their xor is never negative.
 */
export function equalMask(a: number, b: number): number {
  return ((a ^ b) - 1) >> 31
}

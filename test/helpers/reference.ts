/** An HOTP written directly from RFC 4226 over node:crypto: the yardstick every engine is held to. */
import { createHmac } from 'node:crypto'

export type Algorithm = 'SHA1' | 'SHA256' | 'SHA512'
export const ALGORITHMS: Algorithm[] = ['SHA1', 'SHA256', 'SHA512']

export function referenceHmac(algorithm: Algorithm, key: Uint8Array, counter: bigint): Buffer {
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(counter)
  return createHmac(algorithm.toLowerCase(), key).update(message).digest()
}

export function referenceHotp(algorithm: Algorithm, key: Uint8Array, counter: bigint, digits: number): string {
  const mac = referenceHmac(algorithm, key, counter)
  const offset = mac[mac.length - 1]! & 0x0f
  const value = mac.readUInt32BE(offset) & 0x7fffffff
  return String(value % 10 ** digits).padStart(digits, '0')
}

/** A small seeded PRNG (mulberry32), so that a failing random case can be replayed. */
export function rng(seed: number) {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1))
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(0, 255))
  const u64 = (): bigint => (BigInt(int(0, 0xffffffff)) << 32n) | BigInt(int(0, 0xffffffff))
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!
  return { next, int, bytes, u64, pick }
}

/** Key lengths around the 64- and 128-byte hash blocks, where HMAC pads, and past them, where it hashes. */
export const EDGE_KEY_LENGTHS = [1, 10, 20, 32, 63, 64, 65, 127, 128, 129, 300]

/** The HOTP value as the kernel returns it (a number, no padding), by algorithm id (0 SHA-1, 1 SHA-256, 2 SHA-512). */
export function referenceHotpValue(alg: 0 | 1 | 2, key: Uint8Array, counter: bigint, digits: number): number {
  return Number(referenceHotp(ALGORITHMS[alg]!, key, counter, digits))
}

/**
 * The kernel's window rule by brute force: the delta closest to 0 whose code matches, the negative
 * one first on a tie, or NO_MATCH (0x7fffffff) when none does.
 */
export function referenceVerify(
  alg: 0 | 1 | 2,
  key: Uint8Array,
  base: bigint,
  code: number,
  digits: number,
  behind: number,
  ahead: number,
): number {
  const order = [0]
  for (let m = 1; m <= Math.max(behind, ahead); m++) {
    if (m <= behind) order.push(-m)
    if (m <= ahead) order.push(m)
  }
  return order.find((d) => referenceHotpValue(alg, key, base + BigInt(d), digits) === code) ?? 0x7fffffff
}

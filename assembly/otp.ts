// HOTP values (RFC 4226 section 5.3), the constant-time window check, and the resync scan, all over
// a key already prepared into a midstate slot by hmacKey.

import { digestBytes, hmacCounter } from './hmac'
import { CODES, DIGEST } from './layout'

/** `verify` found no code in the window (NO_MATCH of src/kernel.ts). */
export const NO_MATCH: i32 = 0x7fffffff

/** The 64-bit counter whose halves the host passes as two u32 (only integers cross the boundary). */
// @ts-ignore: decorator
@inline export function counterOf(hi: u32, lo: u32): u64 {
  return (<u64>hi << 32) | <u64>lo
}

/** 10^digits for digits 0..10; u64 because 10^10 does not fit in 32 bits. */
const POW10: usize = memory.data<u64>([
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000,
])

/**
 * Dynamic truncation of the HMAC in DIGEST (RFC 4226 section 5.3): the low 4 bits of the last byte
 * pick 4 bytes, read big-endian without their top bit.
 */
// @ts-ignore: decorator
@inline function truncate(alg: u32): u32 {
  const offset = <usize>(load<u8>(DIGEST + digestBytes(alg) - 1) & 0xf)
  return bswap<u32>(load<u32>(DIGEST + offset)) & 0x7fffffff
}

/**
 * HOTP(K, C) mod 10^digits (RFC 4226 section 5.3; RFC 6238 section 4 for SHA-256 / SHA-512). The
 * modulus is applied for every digit count, 10 included, so that all of them take the same path.
 */
export function hotpAt(alg: u32, slot: usize, counter: u64, digits: u32): u32 {
  hmacCounter(alg, slot, <u32>(counter >>> 32), <u32>counter)
  return <u32>(<u64>truncate(alg) % load<u64>(POW10 + (<usize>digits << 3)))
}

/** All ones when a == b, else 0; no branch (the top bit of d | -d is set iff d != 0). */
// @ts-ignore: decorator
@inline function equalMask(a: u32, b: u32): i32 {
  const d = a ^ b
  return <i32>((d | (0 - d)) >>> 31) - 1
}

/**
 * Checks `code` against every counter in `counter - behind ... counter + ahead` and returns the matched
 * delta closest to 0, the negative one first on a tie (0, -1, +1, -2, +2, ...), or NO_MATCH.
 *
 * Constant time over the window: every counter is computed and compared, whatever matches, and the
 * winner is kept with a mask, not a branch. Deltas are visited from the least preferred to the most,
 * so the last match kept is the one the tie rule picks. The caller keeps the window inside [0, 2^64).
 */
export function verifyWindow(
  alg: u32,
  slot: usize,
  counter: u64,
  code: u32,
  digits: u32,
  behind: u32,
  ahead: u32,
): i32 {
  let found = NO_MATCH
  for (let m = max(behind, ahead); m > 0; m--) {
    if (m <= ahead) {
      const hit = equalMask(hotpAt(alg, slot, counter + m, digits), code)
      found = (<i32>m & hit) | (found & ~hit)
    }
    if (m <= behind) {
      const hit = equalMask(hotpAt(alg, slot, counter - m, digits), code)
      found = (-<i32>m & hit) | (found & ~hit)
    }
  }
  const hit = equalMask(hotpAt(alg, slot, counter, digits), code)
  return (0 & hit) | (found & ~hit)
}

/**
 * The resync search of RFC 4226 section 7.4 over `count` counters from `from`: the smallest offset i
 * such that the `ncodes` codes in CODES equal hotp(from + i + j) for j = 0 .. ncodes - 1, or -1.
 * A search, not a check: it stops at the first hit (the position it reveals is its result).
 */
export function scanRange(alg: u32, slot: usize, from: u64, count: u32, ncodes: u32, digits: u32): i32 {
  const first = load<u32>(CODES)
  for (let i: u32 = 0; i < count; i++) {
    if (hotpAt(alg, slot, from + i, digits) != first) continue
    let j: u32 = 1
    while (j < ncodes && hotpAt(alg, slot, from + i + j, digits) == load<u32>(CODES + (<usize>j << 2))) j++
    if (j == ncodes) return <i32>i
  }
  return -1
}

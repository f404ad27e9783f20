// HOTP values of SIMD lanes (RFC 4226 section 5.3), and the window check and resync scan of one key
// over lanes: lane l of a vector computes the counter `c + l`. A lone last counter of a window, and
// the last counters of a scan that do not fill a vector, go through the scalar code (../otp.ts).

import { SHA1, SHA512 } from '../hmac'
import { CODES, DIGEST, INNER, STATE_SLOT } from '../layout'
import { hotpAt, NO_MATCH, verifyWindow } from '../otp'
import { hmacLanesFrom, lanesOf, splatKey, wipeKeyLanes, zeroRows } from './hmac'
import { LANE_DIGEST } from './layout'

/**
 * 10^digits for digits 0..10, as u32. 10^10 does not fit; it needs no reduction either (a truncated
 * value is below 2^31), and x % 0xffffffff == x for such values, so every digit count takes one path.
 */
const MODULUS: usize = memory.data<u32>([
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 0xffffffff,
])

// @ts-ignore: decorator
@inline export function modulus(digits: u32): u32 {
  return load<u32>(MODULUS + (<usize>digits << 2))
}

/**
 * Dynamic truncation (RFC 4226 section 5.3) of the HMAC of lane `lane` in LANE_DIGEST: the low 4 bits
 * of its last byte pick 4 bytes, read big-endian without their top bit. The digest is in native
 * words, so the 4 bytes are cut from two adjacent words joined into a u64.
 */
export function laneValue(alg: u32, lane: u32): u32 {
  if (alg == SHA512) {
    const at = LANE_DIGEST + (<usize>lane << 3)
    const offset = <u32>load<u64>(at + 7 * 16) & 0xf
    const row = at + (<usize>(offset >> 3) << 4)
    const shift = <u64>((offset & 7) << 3)
    // (next >>> 1) >>> (63 - shift) is next >>> (64 - shift), and 0 when shift is 0 (no 64-bit shift).
    const x = (load<u64>(row) << shift) | ((load<u64>(row + 16) >>> 1) >>> (63 - shift))
    return <u32>(x >>> 32) & 0x7fffffff
  }
  const at = LANE_DIGEST + (<usize>lane << 2)
  const last: usize = alg == SHA1 ? 4 * 16 : 7 * 16
  const offset = load<u32>(at + last) & 0xf
  const row = at + (<usize>(offset >> 2) << 4)
  const x = (<u64>load<u32>(row) << 32) | <u64>load<u32>(row + 16)
  return <u32>(x >>> (32 - ((offset & 3) << 3))) & 0x7fffffff
}

/** All ones when a == b, else 0; no branch. */
// @ts-ignore: decorator
@inline function equalMask(a: u32, b: u32): i32 {
  const d = a ^ b
  return <i32>((d | (0 - d)) >>> 31) - 1
}

/** A delta's place in the tie order 0, -1, +1, -2, +2, ...: 2|d|, less 1 when d < 0. NO_MATCH is last. */
// @ts-ignore: decorator
@inline function rank(d: i32): u32 {
  const sign = d >> 31
  return (<u32>((d ^ sign) - sign) << 1) + <u32>sign
}

/**
 * The better of `found` and `delta` under the tie order, `delta` counting only if `value == code`.
 * No branch: the window's deltas can be visited in any order, and every one costs the same.
 */
// @ts-ignore: decorator
@inline export function keepBest(found: i32, delta: i32, value: u32, code: u32): i32 {
  const take = equalMask(value, code) & -<i32>(rank(delta) < rank(found))
  return (delta & take) | (found & ~take)
}

/**
 * keepBest of each 32-bit lane: the better of `found` and `delta` under the tie order, `delta`
 * counting only where `value == code`. No branch.
 */
export function keepBestLanes(found: v128, delta: v128, value: v128, code: v128): v128 {
  const take = v128.and(i32x4.eq(value, code), i32x4.lt_u(rankLanes(delta), rankLanes(found)))
  return v128.bitselect(delta, found, take)
}

/** rank of each 32-bit lane. */
// @ts-ignore: decorator
@inline function rankLanes(d: v128): v128 {
  const sign = i32x4.shr_s(d, 31)
  return i32x4.add(i32x4.shl(i32x4.sub(v128.xor(d, sign), sign), 1), sign)
}

/**
 * verifyWindowLanes over the prepared key at `slot`, then wipes the slot and the scalar HMAC's scratch
 * (what clearKey of ../index.ts wipes) by stores: a prepared key's window check (verifyClear) in one
 * pass, the single-key call that the token objects make per code.
 */
export function verifyWindowClear(
  alg: u32,
  slot: usize,
  counter: u64,
  code: u32,
  digits: u32,
  behind: u32,
  ahead: u32,
): i32 {
  const delta = verifyWindowLanes(alg, slot, counter, code, digits, behind, ahead)
  zeroRows(slot, STATE_SLOT)
  zeroRows(INNER, 64)
  zeroRows(DIGEST, 64)
  return delta
}

/**
 * Checks `code` against every counter in `counter - behind ... counter + ahead` (as ../otp.ts
 * verifyWindow: the delta closest to 0, negative first on a tie, or NO_MATCH), lanes at a time.
 *
 * Constant time over the window: every counter is computed and compared, and the winner is kept by
 * rank with masks. A vector that the window does not fill computes its spare lanes and ignores them;
 * a lone last counter costs one scalar HMAC instead of a vector. The caller keeps the window inside
 * [0, 2^64); spare lanes past 2^64 - 1 wrap harmlessly.
 */
export function verifyWindowLanes(
  alg: u32,
  slot: usize,
  counter: u64,
  code: u32,
  digits: u32,
  behind: u32,
  ahead: u32,
): i32 {
  const n = behind + ahead + 1
  // One counter fills no vector: the scalar check, without touching the lanes.
  if (n == 1) return verifyWindow(alg, slot, counter, code, digits, 0, 0)
  splatKey(alg, slot)
  const lanes = lanesOf(alg)
  const mod = modulus(digits)
  const first = counter - behind
  let found = NO_MATCH
  let i: u32 = 0
  while (n - i >= 2) {
    hmacLanesFrom(alg, first + i)
    const used = min(lanes, n - i)
    for (let l: u32 = 0; l < used; l++) {
      found = keepBest(found, <i32>(i + l) - <i32>behind, laneValue(alg, l) % mod, code)
    }
    i += used
  }
  if (i < n) found = keepBest(found, <i32>i - <i32>behind, hotpAt(alg, slot, first + i, digits), code)
  wipeKeyLanes(alg)
  return found
}

/** Whether the codes 1 .. ncodes - 1 at CODES follow at `c + 1`, ... (scalar: candidates are rare). */
function confirm(alg: u32, slot: usize, c: u64, ncodes: u32, digits: u32): bool {
  let j: u32 = 1
  while (j < ncodes && hotpAt(alg, slot, c + j, digits) == load<u32>(CODES + (<usize>j << 2))) j++
  return j == ncodes
}

/** The vector part of scanRangeLanes: whole vectors only; returns the offset, or -1. */
function scanVectors(alg: u32, slot: usize, from: u64, vectors: u32, ncodes: u32, digits: u32): i32 {
  const lanes = lanesOf(alg)
  const mod = modulus(digits)
  const first = load<u32>(CODES)
  for (let v: u32 = 0, i: u32 = 0; v < vectors; v++, i += lanes) {
    hmacLanesFrom(alg, from + i)
    for (let l: u32 = 0; l < lanes; l++) {
      if (laneValue(alg, l) % mod == first && confirm(alg, slot, from + i + l, ncodes, digits)) return <i32>(i + l)
    }
  }
  return -1
}

/**
 * The resync search of RFC 4226 section 7.4, as ../otp.ts scanRange: the smallest offset i in
 * [0, count) such that the `ncodes` codes at CODES equal hotp(from + i + j), or -1. Lanes check
 * consecutive counters; a lane whose code equals the first is confirmed in order of lanes, so the
 * earliest offset wins. The last counters that do not fill a vector go through the scalar scan.
 */
export function scanRangeLanes(alg: u32, slot: usize, from: u64, count: u32, ncodes: u32, digits: u32): i32 {
  splatKey(alg, slot)
  const lanes = lanesOf(alg)
  const vectors = count / lanes
  const found = scanVectors(alg, slot, from, vectors, ncodes, digits)
  wipeKeyLanes(alg)
  if (found >= 0) return found
  const done = vectors * lanes
  const first = load<u32>(CODES)
  for (let i = done; i < count; i++) {
    if (hotpAt(alg, slot, from + i, digits) == first && confirm(alg, slot, from + i, ncodes, digits)) return <i32>i
  }
  return -1
}

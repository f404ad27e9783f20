// HMAC (RFC 2104) over SIMD lanes: 4 counters (SHA-1, SHA-256) or 2 (SHA-512) per vector, each lane
// with its own midstates and counter. The lanes' midstates are either one key's, splatted (window
// checks and scans of one key), or each lane's own key's, gathered from the batch's midstate slots.
// Key setup of short keys runs in lanes too: 4 (or 2) keys' ipad blocks in one compression.
//
// Every function here works on the transposed regions of ./layout.ts; none allocates.

import { SHA1, SHA256, SHA512 } from '../hmac'
import { OUTER } from '../layout'
import { SHA1_IV } from '../generated/sha1'
import { SHA256_IV } from '../generated/sha256'
import { SHA512_IV } from '../generated/sha512'
import {
  LANE_COUNTERS, LANE_DIGEST, LANE_INNER_BLOCK, LANE_KEY, LANE_KEY_LEN, LANE_OUTER, LANE_OUTER_BLOCK,
  LANE_SCRATCH, LANE_SCRATCH_BYTES, LANE_SLOT, LANE_STATE_BYTES, LANE_STATES, LANES_32, LANES_64,
} from './layout'
import { sha1x4Compress, sha1x4CompressCounter, sha1x4CompressDigest } from '../generated/simd/sha1x4'
import { sha256x4Compress, sha256x4CompressCounter, sha256x4CompressDigest } from '../generated/simd/sha256x4'
import { sha512x2Compress, sha512x2CompressCounter, sha512x2CompressDigest } from '../generated/simd/sha512x2'

// Byte shuffles of key setup (keyBlock), for 32-bit and 64-bit words.
/** Byte swap of every word: little-endian loads to big-endian words. */
const BSWAP_32 = i8x16(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12)
const BSWAP_64 = i8x16(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8)
/** Spreads the low byte of each u32 of LANE_KEY_LEN over its lane's bytes. */
const SPREAD_32 = i8x16(0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12)
const SPREAD_64 = i8x16(0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4)
/** Each byte's place in its (little-endian) word. */
const PLACE_32 = i8x16(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3)
const PLACE_64 = i8x16(0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7)

/** Lanes per vector of the hash: 2 for SHA-512 (u64 words), else 4. */
// @ts-ignore: decorator
@inline export function lanesOf(alg: u32): u32 {
  return alg == SHA512 ? LANES_64 : LANES_32
}

/** Words in the hash's state: 5 for SHA-1, 8 for SHA-256 and SHA-512. */
// @ts-ignore: decorator
@inline function stateWords(alg: u32): usize {
  return alg == SHA1 ? 5 : 8
}

/** Wipes the lanes' scratch: midstates, HMACs, padded keys, and the lanes' bookkeeping. */
export function wipeLanes(): void {
  memory.fill(LANE_SCRATCH, 0, LANE_SCRATCH_BYTES)
}

/**
 * Rows of a block that the hash's HMAC compressions write: SHA-1 keeps its schedule in registers and
 * writes only the 5 digest rows (and the host its 2 counter rows); SHA-256 and SHA-512 overwrite the
 * block with W[t] + K[t] of each of their 64 or 80 rounds.
 */
// @ts-ignore: decorator
@inline export function writtenRows(alg: u32): usize {
  return alg == SHA1 ? 5 : alg == SHA256 ? 64 : 80
}

/**
 * Zeroes `bytes` (a multiple of 16) from `at`, a vector store at a time. For the few hundred bytes
 * that one window check writes, stores cost less than memory.fill, which V8 runs as a call out of
 * the module (one per region).
 */
// @ts-ignore: decorator
@inline export function zeroRows(at: usize, bytes: usize): void {
  const z = i64x2.splat(0)
  for (let i: usize = 0; i < bytes; i += 16) v128.store(at + i, z)
}

/**
 * Wipes what one key's window check or scan (splatKey, hmacLanes) wrote: the splatted midstates and
 * the HMACs (LANE_STATES and LANE_DIGEST, which follow each other), and the rows of the two blocks
 * the hash writes. A fifth of wipeLanes' bytes for SHA-1, half for SHA-256, so that a single check
 * pays for what it used only.
 */
export function wipeKeyLanes(alg: u32): void {
  zeroRows(LANE_STATES, 2 * LANE_STATE_BYTES + LANE_STATE_BYTES)
  const rows = writtenRows(alg) << 4
  zeroRows(LANE_INNER_BLOCK, rows)
  zeroRows(LANE_OUTER_BLOCK, rows)
}

/** Copies the midstates of the key prepared in `slot` (../hmac.ts hmacKey) into every lane. */
export function splatKey(alg: u32, slot: usize): void {
  const words = stateWords(alg)
  if (alg == SHA512) {
    for (let w: usize = 0; w < words; w++) {
      v128.store(LANE_STATES + (w << 4), i64x2.splat(load<i64>(slot + (w << 3))))
      v128.store(LANE_STATES + LANE_OUTER + (w << 4), i64x2.splat(load<i64>(slot + OUTER + (w << 3))))
    }
  } else {
    for (let w: usize = 0; w < words; w++) {
      v128.store(LANE_STATES + (w << 4), i32x4.splat(load<i32>(slot + (w << 2))))
      v128.store(LANE_STATES + LANE_OUTER + (w << 4), i32x4.splat(load<i32>(slot + OUTER + (w << 2))))
    }
  }
}

/** Copies the midstates of the key prepared in `slot` into lane `lane` only. */
export function gatherKey(alg: u32, lane: u32, slot: usize): void {
  const words = stateWords(alg)
  if (alg == SHA512) {
    const at = LANE_STATES + (<usize>lane << 3)
    for (let w: usize = 0; w < words; w++) {
      store<u64>(at + (w << 4), load<u64>(slot + (w << 3)))
      store<u64>(at + LANE_OUTER + (w << 4), load<u64>(slot + OUTER + (w << 3)))
    }
  } else {
    const at = LANE_STATES + (<usize>lane << 2)
    for (let w: usize = 0; w < words; w++) {
      store<u32>(at + (w << 4), load<u32>(slot + (w << 2)))
      store<u32>(at + LANE_OUTER + (w << 4), load<u32>(slot + OUTER + (w << 2)))
    }
  }
}

/**
 * Copies the midstates of the keys prepared in the slots listed at `slots` (usize x lanes) into the
 * lanes of the transposed states at `states`. Each row is built in a register, one load per lane,
 * and stored whole (lane-sized stores would stall the compression's row loads).
 */
export function gatherKeys(alg: u32, slots: usize, states: usize): void {
  const words = stateWords(alg)
  const s0 = load<usize>(slots), s1 = load<usize>(slots, 4)
  if (alg == SHA512) {
    for (let w: usize = 0; w < words; w++) {
      const at = w << 3
      v128.store(states + (w << 4), v128.load64_lane(s1 + at, v128.load64_zero(s0 + at), 1))
      v128.store(states + LANE_OUTER + (w << 4), v128.load64_lane(s1 + OUTER + at, v128.load64_zero(s0 + OUTER + at), 1))
    }
    return
  }
  const s2 = load<usize>(slots, 8), s3 = load<usize>(slots, 12)
  for (let w: usize = 0; w < words; w++) {
    const at = w << 2
    let v = v128.load32_zero(s0 + at)
    v = v128.load32_lane(s1 + at, v, 1)
    v = v128.load32_lane(s2 + at, v, 2)
    v128.store(states + (w << 4), v128.load32_lane(s3 + at, v, 3))
    let o = v128.load32_zero(s0 + OUTER + at)
    o = v128.load32_lane(s1 + OUTER + at, o, 1)
    o = v128.load32_lane(s2 + OUTER + at, o, 2)
    v128.store(states + LANE_OUTER + (w << 4), v128.load32_lane(s3 + OUTER + at, o, 3))
  }
}

/**
 * HMAC(K_l, C_l) of every lane l (RFC 4226 section 5.2): the lanes' midstates in `states` (by default
 * LANE_STATES), their counters in the first rows of the inner block `block` (by default
 * LANE_INNER_BLOCK, whose first rows are LANE_COUNTERS). Exactly two compressions: the inner one
 * writes its digests straight into the outer block's first rows; the HMACs are left in LANE_DIGEST
 * (native words).
 */
export function hmacLanes(alg: u32, states: usize = LANE_STATES, block: usize = LANE_INNER_BLOCK): void {
  if (alg == SHA1) {
    sha1x4CompressCounter(states, block, LANE_OUTER_BLOCK)
    sha1x4CompressDigest(states + LANE_OUTER, LANE_OUTER_BLOCK, LANE_DIGEST)
  } else if (alg == SHA256) {
    sha256x4CompressCounter(states, block, LANE_OUTER_BLOCK)
    sha256x4CompressDigest(states + LANE_OUTER, LANE_OUTER_BLOCK, LANE_DIGEST)
  } else {
    sha512x2CompressCounter(states, block, LANE_OUTER_BLOCK)
    sha512x2CompressDigest(states + LANE_OUTER, LANE_OUTER_BLOCK, LANE_DIGEST)
  }
}

/** HMACs of the consecutive counters `c`, `c + 1`, ... in lanes 0, 1, ... (carrying across 2^32). */
export function hmacLanesFrom(alg: u32, c: u64): void {
  if (alg == SHA512) {
    v128.store(LANE_COUNTERS, i64x2.add(i64x2.splat(c), i64x2(0, 1)))
  } else {
    const lo = i32x4.splat(<i32>c)
    const los = i32x4.add(lo, i32x4(0, 1, 2, 3))
    // A lane whose low half wrapped (is now below c's) carries 1 into its high half: the mask is -1.
    v128.store(LANE_COUNTERS, i32x4.sub(i32x4.splat(<i32>(c >>> 32)), i32x4.lt_u(los, lo)))
    v128.store(LANE_COUNTERS, los, 16)
  }
  hmacLanes(alg)
}

/**
 * Takes the key at `key` (`len` bytes, at most one block) into lane `lane` of the next key setup, to
 * be prepared into `slot` by prepareKeyLanes. Only the key's place is noted: prepareKeyLanes reads the
 * bytes of all lanes at once, straight into the transposed block.
 */
export function loadKeyLane(lane: u32, key: usize, len: u32, slot: usize): void {
  store<usize>(LANE_SLOT + (<usize>lane << 2), slot)
  store<usize>(LANE_KEY + (<usize>lane << 2), key)
  store<u32>(LANE_KEY_LEN + (<usize>lane << 2), len)
}

/**
 * Writes every lane's key XOR `pad` (RFC 2104 section 2, steps 1-2 and 5), zero-padded to the block,
 * into rows 0..15 of LANE_OUTER_BLOCK as big-endian words. Each row takes its lanes' words with one
 * load per lane; bytes past a key's length (the next key's, or anything: a key may end anywhere in
 * KEY_BYTES, and a row reads whole words) are masked off before the byte swap.
 */
function keyBlock(alg: u32, pad: v128): void {
  const wide = alg == SHA512
  // Each lane's length in each of its bytes, and each byte's place in its word: a byte is the key's
  // when 4 * w (or 8 * w) + place < length.
  const lens = i8x16.swizzle(v128.load(LANE_KEY_LEN), wide ? SPREAD_64 : SPREAD_32)
  const place = wide ? PLACE_64 : PLACE_32
  const swap = wide ? BSWAP_64 : BSWAP_32
  const step: u8 = wide ? 8 : 4
  const k0 = load<usize>(LANE_KEY), k1 = load<usize>(LANE_KEY, 4)
  const k2 = load<usize>(LANE_KEY, 8), k3 = load<usize>(LANE_KEY, 12)
  let longest: u32 = 0
  for (let l: usize = 0; l < 4; l++) longest = max(longest, load<u32>(LANE_KEY_LEN + (l << 2)))
  const rows = (<usize>longest + step - 1) / step
  let w: usize = 0
  for (; w < rows; w++) {
    const at = w * step
    let v = i32x4.splat(0)
    if (wide) {
      v = v128.load64_lane(k0 + at, v, 0)
      v = v128.load64_lane(k1 + at, v, 1)
    } else {
      v = v128.load32_lane(k0 + at, v, 0)
      v = v128.load32_lane(k1 + at, v, 1)
      v = v128.load32_lane(k2 + at, v, 2)
      v = v128.load32_lane(k3 + at, v, 3)
    }
    const mine = i8x16.lt_u(i8x16.add(place, i8x16.splat(<i8>at)), lens)
    v128.store(LANE_OUTER_BLOCK + (w << 4), v128.xor(i8x16.swizzle(v128.and(v, mine), swap), pad))
  }
  for (; w < 16; w++) v128.store(LANE_OUTER_BLOCK + (w << 4), pad)
}

/** Sets every lane of the transposed state at `state` to the hash's initial value. */
function initLanes(alg: u32, state: usize): void {
  const words = stateWords(alg)
  if (alg == SHA512) {
    for (let w: usize = 0; w < words; w++) v128.store(state + (w << 4), i64x2.splat(load<i64>(SHA512_IV + (w << 3))))
  } else {
    const iv = alg == SHA1 ? SHA1_IV : SHA256_IV
    for (let w: usize = 0; w < words; w++) v128.store(state + (w << 4), i32x4.splat(load<i32>(iv + (w << 2))))
  }
}

/** Compresses the key block in LANE_OUTER_BLOCK of every lane into the state at `state`, in place. */
function compressLanes(alg: u32, state: usize): void {
  if (alg == SHA1) sha1x4Compress(state, LANE_OUTER_BLOCK, state)
  else if (alg == SHA256) sha256x4Compress(state, LANE_OUTER_BLOCK, state)
  else sha512x2Compress(state, LANE_OUTER_BLOCK, state)
}

/**
 * Copies words `at / 4` .. `at / 4 + 3` of lanes 0 .. n - 1 of the transposed 32-bit state at `state`
 * (its rows `at / 4` on) to the lanes' slots at +`offset` + `at`: a 4 x 4 transpose in registers, one
 * store per lane.
 */
function scatterQuad(n: u32, state: usize, offset: usize, at: usize): void {
  const r0 = v128.load(state + (at << 2)), r1 = v128.load(state + (at << 2), 16)
  const r2 = v128.load(state + (at << 2), 32), r3 = v128.load(state + (at << 2), 48)
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5)
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7)
  const slot = LANE_SLOT
  v128.store(load<usize>(slot) + offset + at, i32x4.shuffle(t0, t1, 0, 1, 4, 5))
  if (n > 1) v128.store(load<usize>(slot, 4) + offset + at, i32x4.shuffle(t0, t1, 2, 3, 6, 7))
  if (n > 2) v128.store(load<usize>(slot, 8) + offset + at, i32x4.shuffle(t2, t3, 0, 1, 4, 5))
  if (n > 3) v128.store(load<usize>(slot, 12) + offset + at, i32x4.shuffle(t2, t3, 2, 3, 6, 7))
}

/** Copies lanes 0 .. n - 1 of the transposed state at `state` to their slots, at +`offset`. */
function scatterLanes(alg: u32, n: u32, state: usize, offset: usize): void {
  if (alg == SHA512) {
    for (let l: usize = 0; l < <usize>n; l++) {
      const slot = load<usize>(LANE_SLOT + (l << 2)) + offset
      for (let w: usize = 0; w < 8; w++) store<u64>(slot + (w << 3), load<u64>(state + (w << 4) + (l << 3)))
    }
    return
  }
  scatterQuad(n, state, offset, 0)
  if (alg == SHA256) {
    scatterQuad(n, state, offset, 16)
    return
  }
  // SHA-1's fifth word, lane by lane.
  const e = v128.load(state, 64)
  v128.store32_lane(load<usize>(LANE_SLOT) + offset + 16, e, 0)
  if (n > 1) v128.store32_lane(load<usize>(LANE_SLOT, 4) + offset + 16, e, 1)
  if (n > 2) v128.store32_lane(load<usize>(LANE_SLOT, 8) + offset + 16, e, 2)
  if (n > 3) v128.store32_lane(load<usize>(LANE_SLOT, 12) + offset + 16, e, 3)
}

/**
 * Prepares the midstates of the keys loaded into lanes 0 .. n - 1 by loadKeyLane: H(IV, K ^ ipad) and
 * H(IV, K ^ opad) of every lane in two compressions, written to each lane's slot as hmacKey would.
 * Lanes from n on hold stale or zero blocks; they are computed and dropped.
 */
export function prepareKeyLanes(alg: u32, n: u32): void {
  for (let l = n; l < lanesOf(alg); l++) store<u32>(LANE_KEY_LEN + (<usize>l << 2), 0)
  // The block is built twice rather than kept: a SHA-2 compression overwrites it with its schedule.
  keyBlock(alg, i8x16.splat(0x36))
  initLanes(alg, LANE_STATES)
  compressLanes(alg, LANE_STATES)
  scatterLanes(alg, n, LANE_STATES, 0)
  keyBlock(alg, i8x16.splat(0x5c))
  initLanes(alg, LANE_STATES)
  compressLanes(alg, LANE_STATES)
  scatterLanes(alg, n, LANE_STATES, OUTER)
}

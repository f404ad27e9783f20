// HMAC (RFC 2104) over SIMD lanes: 4 counters (SHA-1, SHA-256) or 2 (SHA-512) per vector, each lane
// with its own midstates and counter. The lanes' midstates are either one key's, splatted (window
// checks and scans of one key), or each lane's own key's, gathered from the batch's midstate slots.
// Key setup of short keys runs in lanes too: 4 (or 2) keys' ipad blocks in one compression.
//
// Every function here works on the transposed regions of ./layout.ts; none allocates.

import { SHA1, SHA256, SHA512 } from '../hmac'
import { OUTER, PAD } from '../layout'
import { SHA1_IV } from '../sha1'
import { SHA256_IV } from '../sha256'
import { SHA512_IV } from '../sha512'
import {
  LANE_BLOCK, LANE_COUNTERS, LANE_DIGEST, LANE_INNER_BLOCK, LANE_OUTER, LANE_OUTER_BLOCK, LANE_SCRATCH,
  LANE_SCRATCH_BYTES, LANE_SLOT, LANE_STATES, LANES_32, LANES_64,
} from './layout'
import { sha1x4Compress, sha1x4CompressCounter, sha1x4CompressDigest } from './sha1x4'
import { sha256x4Compress, sha256x4CompressCounter, sha256x4CompressDigest } from './sha256x4'
import { sha512x2Compress, sha512x2CompressCounter, sha512x2CompressDigest } from './sha512x2'

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
 * HMAC(K_l, C_l) of every lane l (RFC 4226 section 5.2): the lanes' midstates in LANE_STATES, their
 * counters in LANE_COUNTERS. Exactly two compressions: the inner one writes its digests straight
 * into the outer block's first rows; the HMACs are left in LANE_DIGEST (native words).
 */
export function hmacLanes(alg: u32): void {
  if (alg == SHA1) {
    sha1x4CompressCounter(LANE_STATES, LANE_INNER_BLOCK, LANE_OUTER_BLOCK)
    sha1x4CompressDigest(LANE_STATES + LANE_OUTER, LANE_OUTER_BLOCK, LANE_DIGEST)
  } else if (alg == SHA256) {
    sha256x4CompressCounter(LANE_STATES, LANE_INNER_BLOCK, LANE_OUTER_BLOCK)
    sha256x4CompressDigest(LANE_STATES + LANE_OUTER, LANE_OUTER_BLOCK, LANE_DIGEST)
  } else {
    sha512x2CompressCounter(LANE_STATES, LANE_INNER_BLOCK, LANE_OUTER_BLOCK)
    sha512x2CompressDigest(LANE_STATES + LANE_OUTER, LANE_OUTER_BLOCK, LANE_DIGEST)
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
 * Puts the key at `key` (`len` bytes, at most one block) XOR ipad into lane `lane` of LANE_BLOCK
 * (RFC 2104 section 2, steps 1-2), to be prepared into `slot` by prepareKeyLanes. The key is padded
 * with zeros in PAD on the way, and PAD is wiped.
 */
export function loadKeyLane(alg: u32, lane: u32, key: usize, len: usize, slot: usize): void {
  store<usize>(LANE_SLOT + (<usize>lane << 2), slot)
  if (alg == SHA512) {
    memory.copy(PAD, key, len)
    memory.fill(PAD + len, 0, 128 - len)
    const at = LANE_BLOCK + (<usize>lane << 3)
    for (let w: usize = 0; w < 16; w++) {
      store<u64>(at + (w << 4), bswap<u64>(load<u64>(PAD + (w << 3))) ^ 0x3636363636363636)
    }
    memory.fill(PAD, 0, 128)
  } else {
    memory.copy(PAD, key, len)
    memory.fill(PAD + len, 0, 64 - len)
    const at = LANE_BLOCK + (<usize>lane << 2)
    for (let w: usize = 0; w < 16; w++) {
      store<u32>(at + (w << 4), bswap<u32>(load<u32>(PAD + (w << 2))) ^ 0x36363636)
    }
    memory.fill(PAD, 0, 64)
  }
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

/**
 * Compresses LANE_BLOCK's block of every lane into the state at `state`, in place. The block is
 * copied into the outer block's rows first: a SHA-2 compression overwrites its rows with the
 * schedule, and LANE_BLOCK must survive for the opad pass.
 */
function compressLanes(alg: u32, state: usize): void {
  memory.copy(LANE_OUTER_BLOCK, LANE_BLOCK, 256)
  if (alg == SHA1) sha1x4Compress(state, LANE_OUTER_BLOCK, state)
  else if (alg == SHA256) sha256x4Compress(state, LANE_OUTER_BLOCK, state)
  else sha512x2Compress(state, LANE_OUTER_BLOCK, state)
}

/** Copies lanes 0 .. n - 1 of the transposed state at `state` to their slots, at +`offset`. */
function scatterLanes(alg: u32, n: u32, state: usize, offset: usize): void {
  const words = stateWords(alg)
  for (let l: usize = 0; l < <usize>n; l++) {
    const slot = load<usize>(LANE_SLOT + (l << 2)) + offset
    if (alg == SHA512) {
      for (let w: usize = 0; w < words; w++) store<u64>(slot + (w << 3), load<u64>(state + (w << 4) + (l << 3)))
    } else {
      for (let w: usize = 0; w < words; w++) store<u32>(slot + (w << 2), load<u32>(state + (w << 4) + (l << 2)))
    }
  }
}

/**
 * Prepares the midstates of the keys loaded into lanes 0 .. n - 1 by loadKeyLane: H(IV, K ^ ipad) and
 * H(IV, K ^ opad) of every lane in two compressions, written to each lane's slot as hmacKey would.
 * Lanes from n on hold stale or zero blocks; they are computed and dropped.
 */
export function prepareKeyLanes(alg: u32, n: u32): void {
  initLanes(alg, LANE_STATES)
  compressLanes(alg, LANE_STATES)
  scatterLanes(alg, n, LANE_STATES, 0)
  // ipad ^ opad turns K ^ ipad into K ^ opad.
  const flip = i32x4.splat(0x6a6a6a6a)
  for (let w: usize = 0; w < 16; w++) v128.store(LANE_BLOCK + (w << 4), v128.xor(v128.load(LANE_BLOCK + (w << 4)), flip))
  initLanes(alg, LANE_STATES)
  compressLanes(alg, LANE_STATES)
  scatterLanes(alg, n, LANE_STATES, OUTER)
}

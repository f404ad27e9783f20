// Batch verify and generate over SIMD lanes (the exports verifyBatch / generateBatch of the SIMD build,
// with the meaning of ../batch.ts).
//
// A lane computes one (record, counter) pair. Records are taken in order, one algorithm per pass, and
// each record's window is cut into its counters; the pairs fill the lanes of a vector as they come,
// each lane with its own key's midstates gathered from the key's slot. A window of 3 counters (TOTP
// window 1) of 4 records with distinct keys, SHA-1:
//
//   vector   lane 0        lane 1        lane 2        lane 3
//   0        r0  c-1 K0    r0  c   K0    r0  c+1 K0    r1  c-1 K1
//   1        r1  c   K1    r1  c+1 K1    r2  c-1 K2    r2  c   K2
//   2        r2  c+1 K2    r3  c-1 K3    r3  c   K3    r3  c+1 K3
//
// so no lane idles whatever the windows are. Each lane's result is folded into its record's REC_OUT
// with the rank rule of verifyWindowLanes, without branches: a record's counters are all computed and
// compared, whatever matches. The last vector of a pass may be partly filled; its spare lanes compute
// stale inputs and are ignored.
//
// Key setup: keys of at most one block are prepared 4 (or 2) at a time in lanes; longer keys, which
// are hashed first, go through the scalar hmacKey. With a key per record, setup is 2 of the 8
// compressions of a TOTP window-1 record: done one key at a time, it would cost about as much time
// as the record's three HMACs in lanes.

import { blockBytes, hmacKey, SHA512 } from '../hmac'
import {
  DIGEST, INNER, KEY_ALGORITHMS, KEY_BYTES, KEY_OFFSETS, KEY_STATES, REC_AHEAD, REC_BEHIND, REC_CODE,
  REC_DIGITS, REC_HI, REC_KEY, REC_LO, REC_OUT, STATE_SLOT,
} from '../layout'
import { NO_MATCH } from '../otp'
import { gatherKey, hmacLanes, lanesOf, loadKeyLane, prepareKeyLanes, wipeLanes } from './hmac'
import { LANE_COUNTERS, LANE_DELTA, LANE_RECORD } from './layout'
import { keepBest, laneValue, modulus } from './otp'

/** The three hash functions, by AlgorithmId: SHA-1, SHA-256, SHA-512. */
const ALGORITHMS: u32 = 3

// @ts-ignore: decorator
@inline function u32At(column: usize, i: u32): u32 {
  return load<u32>(column + (<usize>i << 2))
}

// @ts-ignore: decorator
@inline function counterAt(r: u32): u64 {
  return (<u64>u32At(REC_HI, r) << 32) | <u64>u32At(REC_LO, r)
}

// @ts-ignore: decorator
@inline function slotOf(key: u32): usize {
  return KEY_STATES + <usize>key * STATE_SLOT
}

// @ts-ignore: decorator
@inline function algorithmOf(key: u32): u32 {
  return load<u8>(KEY_ALGORITHMS + key)
}

/**
 * Prepares the midstates of keys 0 .. nkeys - 1, then wipes their raw bytes. Keys of at most a block
 * go through the lanes, one algorithm per pass; longer keys through the scalar hmacKey.
 */
function prepareKeys(nkeys: u32): void {
  for (let alg: u32 = 0; alg < ALGORITHMS; alg++) {
    const lanes = lanesOf(alg)
    const block = blockBytes(alg)
    let n: u32 = 0
    for (let k: u32 = 0; k < nkeys; k++) {
      if (algorithmOf(k) != alg) continue
      const start = u32At(KEY_OFFSETS, k)
      const len = u32At(KEY_OFFSETS, k + 1) - start
      if (<usize>len > block) {
        hmacKey(alg, KEY_BYTES + start, len, slotOf(k))
        continue
      }
      loadKeyLane(n, KEY_BYTES + start, len, slotOf(k))
      if (++n == lanes) {
        prepareKeyLanes(alg, n)
        n = 0
      }
    }
    if (n > 0) prepareKeyLanes(alg, n)
  }
  memory.fill(KEY_BYTES, 0, u32At(KEY_OFFSETS, nkeys))
}

/** Wipes what the records' HMACs left behind: the midstates, the lanes and the scalar digests. */
function wipeKeys(nkeys: u32): void {
  memory.fill(KEY_STATES, 0, <usize>nkeys * STATE_SLOT)
  memory.fill(INNER, 0, 64)
  memory.fill(DIGEST, 0, 64)
  wipeLanes()
}

/** Puts record `r`'s key and counter `c` (its delta `delta`) into lane `lane`. */
// @ts-ignore: decorator
@inline function loadLane(alg: u32, lane: u32, slot: usize, c: u64, r: u32, delta: i32): void {
  gatherKey(alg, lane, slot)
  if (alg == SHA512) {
    store<u64>(LANE_COUNTERS + (<usize>lane << 3), c)
  } else {
    store<u32>(LANE_COUNTERS + (<usize>lane << 2), <u32>(c >>> 32))
    store<u32>(LANE_COUNTERS + 16 + (<usize>lane << 2), <u32>c)
  }
  store<u32>(LANE_RECORD + (<usize>lane << 2), r)
  store<i32>(LANE_DELTA + (<usize>lane << 2), delta)
}

/** Computes lanes 0 .. n - 1 and folds each into its record's REC_OUT by the window's tie rule. */
function verifyLanes(alg: u32, n: u32): void {
  hmacLanes(alg)
  for (let l: u32 = 0; l < n; l++) {
    const r = u32At(LANE_RECORD, l)
    const out = REC_OUT + (<usize>r << 2)
    const value = laneValue(alg, l) % modulus(load<u8>(REC_DIGITS + r))
    store<i32>(out, keepBest(load<i32>(out), load<i32>(LANE_DELTA + (<usize>l << 2)), value, u32At(REC_CODE, r)))
  }
}

/** Computes lanes 0 .. n - 1 and stores each lane's code in its record's REC_OUT. */
function generateLanes(alg: u32, n: u32): void {
  hmacLanes(alg)
  for (let l: u32 = 0; l < n; l++) {
    const r = u32At(LANE_RECORD, l)
    store<u32>(REC_OUT + (<usize>r << 2), laneValue(alg, l) % modulus(load<u8>(REC_DIGITS + r)))
  }
}

/** Verifies the records of algorithm `alg` among records 0 .. count - 1. */
function verifyPass(alg: u32, count: u32): void {
  const lanes = lanesOf(alg)
  let n: u32 = 0
  for (let r: u32 = 0; r < count; r++) {
    const key = u32At(REC_KEY, r)
    if (algorithmOf(key) != alg) continue
    const slot = slotOf(key)
    const behind = u32At(REC_BEHIND, r)
    const first = counterAt(r) - behind
    const counters = behind + u32At(REC_AHEAD, r) + 1
    store<i32>(REC_OUT + (<usize>r << 2), NO_MATCH)
    for (let i: u32 = 0; i < counters; i++) {
      loadLane(alg, n, slot, first + i, r, <i32>i - <i32>behind)
      if (++n == lanes) {
        verifyLanes(alg, n)
        n = 0
      }
    }
  }
  if (n > 0) verifyLanes(alg, n)
}

/** Generates the codes of the records of algorithm `alg` among records 0 .. count - 1. */
function generatePass(alg: u32, count: u32): void {
  const lanes = lanesOf(alg)
  let n: u32 = 0
  for (let r: u32 = 0; r < count; r++) {
    const key = u32At(REC_KEY, r)
    if (algorithmOf(key) != alg) continue
    loadLane(alg, n, slotOf(key), counterAt(r), r, 0)
    if (++n == lanes) {
      generateLanes(alg, n)
      n = 0
    }
  }
  if (n > 0) generateLanes(alg, n)
}

/** Verifies `count` records: REC_OUT[r] = the delta ../otp.ts verifyWindow would return for record r. */
export function verifyRecords(nkeys: u32, count: u32): void {
  prepareKeys(nkeys)
  for (let alg: u32 = 0; alg < ALGORITHMS; alg++) verifyPass(alg, count)
  wipeKeys(nkeys)
}

/** Generates `count` codes: REC_OUT[r] = hotp of record r's key and counter. */
export function generateRecords(nkeys: u32, count: u32): void {
  prepareKeys(nkeys)
  for (let alg: u32 = 0; alg < ALGORITHMS; alg++) generatePass(alg, count)
  wipeKeys(nkeys)
}

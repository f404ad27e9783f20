// Batch verify and generate over SIMD lanes (the exports verifyBatch / generateBatch of the SIMD build,
// with the meaning of ../batch.ts).
//
// A lane computes one (record, counter) pair, in one of two arrangements.
//
// Columns: a run of 4 records (2 for SHA-512) whose windows have one size takes a lane each, and
// vector j computes counter j of every record's window. The lanes' midstates are gathered once for
// the run's vectors, and each lane's first counter is worked out once. TOTP window 1 of 4 records
// with distinct keys, SHA-1:
//
//   vector   lane 0        lane 1        lane 2        lane 3
//   0        r0  c-1 K0    r1  c-1 K1    r2  c-1 K2    r3  c-1 K3
//   1        r0  c   K0    r1  c   K1    r2  c   K2    r3  c   K3
//   2        r0  c+1 K0    r1  c+1 K1    r2  c+1 K2    r3  c+1 K3
//
// Packed lanes: records that break a run (and the last records of a pass) have their windows cut into
// counters that fill the lanes of a vector as they come, each lane with its own key's midstates
// gathered from the key's slot, so that no lane idles whatever the windows are:
//
//   vector   lane 0        lane 1        lane 2        lane 3
//   0        r0  c-1 K0    r0  c   K0    r0  c+1 K0    r1  c-2 K1
//   1        r1  c-1 K1    r1  c   K1    r1  c+1 K1    r1  c+2 K1
//
// Each lane's result is folded into its record's REC_OUT with the rank rule of verifyWindowLanes,
// without branches: a record's counters are all computed and compared, whatever matches. The last
// vector of a pass may be partly filled; its spare lanes compute stale inputs and are ignored.
// Generation has one counter per record: columns only, a pass's last run padded with its first record.
//
// Key setup: keys of at most one block are prepared 4 (or 2) at a time in lanes; longer keys, which
// are hashed first, go through the scalar hmacKey. With a key per record, setup is 2 of the 8
// compressions of a TOTP window-1 record: done one key at a time, it would cost about as much time
// as the record's three HMACs in lanes.

import { counterAt, slotOf, u32At, wipeKeys } from '../batch'
import { blockBytes, hmacKey, SHA512 } from '../hmac'
import {
  KEY_ALGORITHMS, KEY_BYTES, KEY_OFFSETS, REC_AHEAD, REC_BEHIND, REC_CODE, REC_DIGITS, REC_HI, REC_KEY,
  REC_LO, REC_OUT,
} from '../layout'
import { NO_MATCH } from '../otp'
import { takePrepared } from '../prepared'
import { gatherKey, gatherKeys, hmacLanes, lanesOf, loadKeyLane, prepareKeyLanes, wipeLanes } from './hmac'
import { COLUMN_BLOCK, COLUMN_RECORD, COLUMN_SLOT, COLUMN_STATES, LANE_COUNTERS, LANE_DELTA, LANE_RECORD } from './layout'
import { keepBest, keepBestLanes, laneValue, modulus } from './otp'

/** The three hash functions, by AlgorithmId: SHA-1, SHA-256, SHA-512. */
const ALGORITHMS: u32 = 3

// @ts-ignore: decorator
@inline function algorithmOf(key: u32): u32 {
  return load<u8>(KEY_ALGORITHMS + key)
}

/**
 * Prepares the midstates of keys 0 .. nkeys - 1, then wipes their raw bytes. Keys of at most a block
 * go through the lanes, one algorithm per pass; longer keys through the scalar hmacKey; prepared keys
 * (../prepared.ts) are copied into their slots.
 */
export function prepareKeys(nkeys: u32): void {
  for (let alg: u32 = 0; alg < ALGORITHMS; alg++) {
    const lanes = lanesOf(alg)
    const block = blockBytes(alg)
    let n: u32 = 0
    for (let k: u32 = 0; k < nkeys; k++) {
      if (takePrepared(alg, k, KEY_BYTES + u32At(KEY_OFFSETS, k), slotOf(k))) continue
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

/** Wipes what the records' HMACs left behind: the midstates and the scalar digests, and the lanes. */
function wipeAll(nkeys: u32): void {
  wipeKeys(nkeys)
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

/**
 * Packs the counters of record `r` into the pending vector, whose first `n` lanes are taken, computing
 * each vector it fills; returns the lanes then taken.
 */
function packRecord(alg: u32, r: u32, n: u32): u32 {
  const lanes = lanesOf(alg)
  const slot = slotOf(u32At(REC_KEY, r))
  const behind = u32At(REC_BEHIND, r)
  const first = counterAt(r) - behind
  const counters = behind + u32At(REC_AHEAD, r) + 1
  for (let i: u32 = 0; i < counters; i++) {
    loadLane(alg, n, slot, first + i, r, <i32>i - <i32>behind)
    if (++n == lanes) {
      verifyLanes(alg, n)
      n = 0
    }
  }
  return n
}

/** Packs the first `g` records of the column group (packRecord); returns the lanes then taken. */
function packGroup(alg: u32, g: u32, n: u32): u32 {
  for (let l: u32 = 0; l < g; l++) n = packRecord(alg, u32At(COLUMN_RECORD, l), n)
  return n
}

/**
 * The u32 at the column `column` of each lane's record of the column group. SHA-512 uses lanes 0 and
 * 1; its lanes 2 and 3 read stale records, harmlessly.
 */
// @ts-ignore: decorator
@inline function columnRow(column: usize): v128 {
  let v = v128.load32_zero(column + (<usize>u32At(COLUMN_RECORD, 0) << 2))
  v = v128.load32_lane(column + (<usize>u32At(COLUMN_RECORD, 1) << 2), v, 1)
  v = v128.load32_lane(column + (<usize>u32At(COLUMN_RECORD, 2) << 2), v, 2)
  return v128.load32_lane(column + (<usize>u32At(COLUMN_RECORD, 3) << 2), v, 3)
}

/** Gathers the midstates of the column group's keys into COLUMN_STATES. */
function gatherColumns(alg: u32): void {
  for (let l: u32 = 0; l < lanesOf(alg); l++) {
    store<usize>(COLUMN_SLOT + (<usize>l << 2), slotOf(u32At(REC_KEY, u32At(COLUMN_RECORD, l))))
  }
  gatherKeys(alg, COLUMN_SLOT, COLUMN_STATES)
}

/**
 * Computes counter `first + j` of every lane of the column group into LANE_DIGEST, `first` being each
 * lane's first counter: high halves in `hi` and low halves in `lo` (32-bit lanes), or u64 counters in
 * `lo` (SHA-512).
 */
function hmacColumns(alg: u32, hi: v128, lo: v128, j: u32): void {
  if (alg == SHA512) {
    v128.store(COLUMN_BLOCK, i64x2.add(lo, i64x2.splat(j)))
  } else {
    const los = i32x4.add(lo, i32x4.splat(j))
    // A lane whose low half wrapped (is now below its first's) carries 1 into its high half.
    v128.store(COLUMN_BLOCK, i32x4.sub(hi, i32x4.lt_u(los, lo)))
    v128.store(COLUMN_BLOCK, los, 16)
  }
  hmacLanes(alg, COLUMN_STATES, COLUMN_BLOCK)
}

/** The HOTP value (RFC 4226 section 5.3) of each lane in LANE_DIGEST, modulo the lane's of `mods`. */
function columnValues(alg: u32, mods: v128): v128 {
  let v = i32x4.splat(laneValue(alg, 0) % <u32>i32x4.extract_lane(mods, 0))
  v = i32x4.replace_lane(v, 1, laneValue(alg, 1) % <u32>i32x4.extract_lane(mods, 1))
  if (alg == SHA512) return v
  v = i32x4.replace_lane(v, 2, laneValue(alg, 2) % <u32>i32x4.extract_lane(mods, 2))
  return i32x4.replace_lane(v, 3, laneValue(alg, 3) % <u32>i32x4.extract_lane(mods, 3))
}

/** 10^digits of each lane's record of the column group. */
function columnModuli(alg: u32): v128 {
  let v = i32x4.splat(0)
  for (let l: u32 = 0; l < lanesOf(alg); l++) {
    const m = modulus(load<u8>(REC_DIGITS + u32At(COLUMN_RECORD, l)))
    v = v128.bitselect(i32x4.splat(m), v, i32x4.eq(i32x4.splat(l), i32x4(0, 1, 2, 3)))
  }
  return v
}

/**
 * Verifies the records of the column group, each of `counters` counters: vector j computes counter j
 * of every record's window, and the lanes' deltas are kept by the window's tie rule in a vector (as
 * verifyLanes does lane by lane), then stored in each record's REC_OUT.
 */
function verifyColumns(alg: u32, counters: u32): void {
  gatherColumns(alg)
  const lo = columnRow(REC_LO)
  const behind = columnRow(REC_BEHIND)
  // Each record's first counter: its counter less behind, borrowing from the high half.
  let firstLo = i32x4.sub(lo, behind)
  const firstHi = i32x4.add(columnRow(REC_HI), i32x4.lt_u(lo, behind))
  if (alg == SHA512) firstLo = i32x4.shuffle(firstLo, firstHi, 0, 4, 1, 5)
  const code = columnRow(REC_CODE)
  const mods = columnModuli(alg)
  let found = i32x4.splat(NO_MATCH)
  for (let j: u32 = 0; j < counters; j++) {
    hmacColumns(alg, firstHi, firstLo, j)
    found = keepBestLanes(found, i32x4.sub(i32x4.splat(j), behind), columnValues(alg, mods), code)
  }
  store<i32>(REC_OUT + (<usize>u32At(COLUMN_RECORD, 0) << 2), i32x4.extract_lane(found, 0))
  store<i32>(REC_OUT + (<usize>u32At(COLUMN_RECORD, 1) << 2), i32x4.extract_lane(found, 1))
  if (alg == SHA512) return
  store<i32>(REC_OUT + (<usize>u32At(COLUMN_RECORD, 2) << 2), i32x4.extract_lane(found, 2))
  store<i32>(REC_OUT + (<usize>u32At(COLUMN_RECORD, 3) << 2), i32x4.extract_lane(found, 3))
}

/**
 * Verifies the records of algorithm `alg` among records 0 .. count - 1. Runs of `lanes` records with
 * windows of one size go through columns; records that break a run are packed into lanes (packRecord)
 * so that no lane idles whatever the windows are.
 */
function verifyPass(alg: u32, count: u32): void {
  const lanes = lanesOf(alg)
  let n: u32 = 0
  let g: u32 = 0
  let size: u32 = 0
  for (let r: u32 = 0; r < count; r++) {
    if (algorithmOf(u32At(REC_KEY, r)) != alg) continue
    store<i32>(REC_OUT + (<usize>r << 2), NO_MATCH)
    const counters = u32At(REC_BEHIND, r) + u32At(REC_AHEAD, r) + 1
    if (g > 0 && counters != size) {
      n = packGroup(alg, g, n)
      g = 0
    }
    store<u32>(COLUMN_RECORD + (<usize>g << 2), r)
    size = counters
    if (++g == lanes) {
      verifyColumns(alg, size)
      g = 0
    }
  }
  n = packGroup(alg, g, n)
  if (n > 0) verifyLanes(alg, n)
}

/** Generates the codes of the column group's first `g` records; its other lanes repeat its first record. */
function generateColumns(alg: u32, g: u32): void {
  for (let l = g; l < lanesOf(alg); l++) store<u32>(COLUMN_RECORD + (<usize>l << 2), u32At(COLUMN_RECORD, 0))
  gatherColumns(alg)
  let lo = columnRow(REC_LO)
  const hi = columnRow(REC_HI)
  if (alg == SHA512) lo = i32x4.shuffle(lo, hi, 0, 4, 1, 5)
  hmacColumns(alg, hi, lo, 0)
  for (let l: u32 = 0; l < g; l++) {
    const r = u32At(COLUMN_RECORD, l)
    store<u32>(REC_OUT + (<usize>r << 2), laneValue(alg, l) % modulus(load<u8>(REC_DIGITS + r)))
  }
}

/** Generates the codes of the records of algorithm `alg` among records 0 .. count - 1, a column group at a time. */
function generatePass(alg: u32, count: u32): void {
  const lanes = lanesOf(alg)
  let g: u32 = 0
  for (let r: u32 = 0; r < count; r++) {
    if (algorithmOf(u32At(REC_KEY, r)) != alg) continue
    store<u32>(COLUMN_RECORD + (<usize>g << 2), r)
    if (++g == lanes) {
      generateColumns(alg, g)
      g = 0
    }
  }
  if (g > 0) generateColumns(alg, g)
}

/** Verifies `count` records: REC_OUT[r] = the delta ../otp.ts verifyWindow would return for record r. */
export function verifyRecords(nkeys: u32, count: u32): void {
  prepareKeys(nkeys)
  for (let alg: u32 = 0; alg < ALGORITHMS; alg++) verifyPass(alg, count)
  wipeAll(nkeys)
}

/** Generates `count` codes: REC_OUT[r] = hotp of record r's key and counter. */
export function generateRecords(nkeys: u32, count: u32): void {
  prepareKeys(nkeys)
  for (let alg: u32 = 0; alg < ALGORITHMS; alg++) generatePass(alg, count)
  wipeAll(nkeys)
}

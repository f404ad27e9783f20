// macBatch of the SIMD build (the meaning of ../message.ts macBatch): rows of one message layout, each
// with its own key, 4 rows per vector for SHA-1 and SHA-256. Keys of at most a block are prepared
// 4 at a time in lanes (./hmac.ts prepareKeyLanes), longer ones by the scalar hmacKey.
//
// Each lane keeps its row's whole padded message in its own buffer: the template, the padding and
// the length are written once per call (the length is the same for every row), then per group of 4
// rows only the patched bytes change. Block b of the 4 lanes is transposed into rows of big-endian
// words (row i = word i of every lane) and compressed in place from the lanes' gathered midstates:
//
//   buffer of lane l:  template | 0x80 | 0 ... | bit length        (one per lane, LANE_BUFFER bytes)
//   block b rows:      row i = [ w_i(lane 0), w_i(lane 1), w_i(lane 2), w_i(lane 3) ]
//
// A SHA-1 block that no patch reaches and that is all zeros in the template (the unused tail of an
// OCRA question field) is the same zero block in every lane: it is compressed with no schedule and
// nothing to transpose.
//
// SHA-512 rows (2 lanes of u64) and a group whose rows do not share one hash go through the scalar
// path, row by row.

import { prepareKeys } from './batch'
import { slotOf, u32At } from '../batch'
import { KEY_ALGORITHMS, KEY_BYTES, KEY_STATES, ONE_STATE, OUTER, PAD, REC_KEY, REC_OUT, STATE_SLOT } from '../layout'
import { SHA1, SHA512, hmacKey } from '../hmac'
import { MESSAGE, MESSAGE_CAPACITY, MESSAGE_MAC, PATCHES, copyBytes, isZero, macPrepared, macRows, wipe, zeroBytes } from '../message'
import { SHA1_IV } from '../generated/sha1'
import { SHA256_IV } from '../generated/sha256'
import { gatherKeys, prepareKeyLanes, wipeLanes } from './hmac'
import { LANE_DIGEST, LANE_INNER_BLOCK, LANE_OUTER, LANE_OUTER_BLOCK, LANE_STATE_BYTES, LANE_STATES } from './layout'
import { laneValue } from './otp'
import { sha1x4Compress, sha1x4CompressDigest, sha1x4CompressZero } from '../generated/simd/sha1x4'
import { sha256x4Compress, sha256x4CompressDigest } from '../generated/simd/sha256x4'

/**
 * Prepares one key of at most a block (SHA-1, SHA-256) into ONE_STATE with its two key-setup
 * compressions side by side: the ipad block in lane 0, the opad block in lane 1. They are independent,
 * and a compression's rounds wait on each other, so two in one vector take little longer than one.
 * Wipes the padded key and the lanes it used.
 */
function prepareOneKey(alg: u32, len: usize): void {
  zeroBytes(PAD, 64)
  copyBytes(PAD, KEY_BYTES, len)
  for (let i: usize = 0; i < 16; i++) {
    const w = bswap<u32>(load<u32>(PAD + (i << 2)))
    v128.store(LANE_INNER_BLOCK + (i << 4), i32x4.replace_lane(i32x4.splat(w ^ 0x36363636), 1, w ^ 0x5c5c5c5c))
  }
  const words: usize = alg == SHA1 ? 5 : 8
  const iv = alg == SHA1 ? SHA1_IV : SHA256_IV
  for (let j: usize = 0; j < words; j++) v128.store(LANE_STATES + (j << 4), i32x4.splat(load<i32>(iv + (j << 2))))
  if (alg == SHA1) sha1x4Compress(LANE_STATES, LANE_INNER_BLOCK, LANE_STATES)
  else sha256x4Compress(LANE_STATES, LANE_INNER_BLOCK, LANE_STATES)
  for (let j: usize = 0; j < words; j++) {
    const row = v128.load(LANE_STATES + (j << 4))
    store<i32>(ONE_STATE + (j << 2), i32x4.extract_lane(row, 0))
    store<i32>(ONE_STATE + OUTER + (j << 2), i32x4.extract_lane(row, 1))
  }
  zeroBytes(PAD, 64)
  zeroBytes(LANE_STATES, LANE_STATE_BYTES)
  zeroBytes(LANE_INNER_BLOCK, alg == SHA1 ? 16 << 4 : 64 << 4)
}

/**
 * ../message.ts macKeyed with the key setup in lanes (prepareOneKey) where the key fits a block and
 * the hash has 32-bit words; SHA-512 and longer keys as there.
 */
export function macKeyedLanes(alg: u32, keyLen: u32, len: u32, keep: u32): u32 {
  if (alg != SHA512 && keyLen <= 64) prepareOneKey(alg, keyLen)
  else hmacKey(alg, KEY_BYTES, keyLen, ONE_STATE)
  return macPrepared(alg, keyLen, len, keep)
}

/** Bytes of a lane's padded message: the longest message and two blocks of padding. */
const LANE_BUFFER: usize = <usize>MESSAGE_CAPACITY + 128
const BUFFERS: usize = memory.data(<i32>(4 * LANE_BUFFER), 16)
/** The 4 lanes' midstate slots, for gatherKeys. */
const SLOTS: usize = memory.data(16, 16)
/** Byte swap of every u32: little-endian loads to big-endian words. */
const BSWAP_32 = i8x16(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12)

/**
 * Computes rows r .. r + 3 (one hash, 32-bit words) in lanes; REC_OUT gets their truncated values.
 * Bit b of `zeros` marks block b (below 64) as a SHA-1 zero block of every lane.
 */
function macLanes(alg: u32, r: u32, blocks: usize, patchAt: usize, patchLen: usize, zeros: u64): void {
  for (let l: u32 = 0; l < 4; l++) {
    store<usize>(SLOTS + (<usize>l << 2), slotOf(u32At(REC_KEY, r + l)))
    copyBytes(BUFFERS + <usize>l * LANE_BUFFER + patchAt, PATCHES + <usize>(r + l) * patchLen, patchLen)
  }
  gatherKeys(alg, SLOTS, LANE_STATES)
  const b0 = BUFFERS, b1 = BUFFERS + LANE_BUFFER, b2 = BUFFERS + 2 * LANE_BUFFER, b3 = BUFFERS + 3 * LANE_BUFFER
  for (let b: usize = 0; b < blocks; b++) {
    if ((zeros >> <u64>b) & 1) {
      sha1x4CompressZero(LANE_STATES)
      continue
    }
    const at = b << 6
    for (let i: usize = 0; i < 64; i += 4) {
      let v = v128.load32_zero(b0 + at + i)
      v = v128.load32_lane(b1 + at + i, v, 1)
      v = v128.load32_lane(b2 + at + i, v, 2)
      v = v128.load32_lane(b3 + at + i, v, 3)
      v128.store(LANE_INNER_BLOCK + (i << 2), i8x16.swizzle(v, BSWAP_32))
    }
    if (alg == SHA1) sha1x4Compress(LANE_STATES, LANE_INNER_BLOCK, LANE_STATES)
    else sha256x4Compress(LANE_STATES, LANE_INNER_BLOCK, LANE_STATES)
  }
  // The inner digests (transposed native words) are the outer block's first rows.
  if (alg == SHA1) {
    copyBytes(LANE_OUTER_BLOCK, LANE_STATES, 5 * 16)
    sha1x4CompressDigest(LANE_STATES + LANE_OUTER, LANE_OUTER_BLOCK, LANE_DIGEST)
  } else {
    copyBytes(LANE_OUTER_BLOCK, LANE_STATES, 8 * 16)
    sha256x4CompressDigest(LANE_STATES + LANE_OUTER, LANE_OUTER_BLOCK, LANE_DIGEST)
  }
  for (let l: u32 = 0; l < 4; l++) store<u32>(REC_OUT + (<usize>(r + l) << 2), laneValue(alg, l))
}

/**
 * HMACs of `count` rows of one message layout (../message.ts macBatch): REC_OUT[r] gets the 31-bit
 * truncated value of row r. Wipes keys, lanes, buffers, message and patches after.
 */
export function macBatchLanes(nkeys: u32, count: u32, len: u32, patchAt: u32, patchLen: u32): void {
  prepareKeys(nkeys)
  // Every lane's buffer: the template, then the padding of a message after the ipad block.
  const padded = ((<usize>len + 9 + 63) >> 6) << 6
  for (let l: usize = 0; l < 4; l++) {
    const buffer = BUFFERS + l * LANE_BUFFER
    memory.copy(buffer, MESSAGE, len)
    store<u8>(buffer + len, 0x80)
    memory.fill(buffer + len + 1, 0, padded - len - 1)
    store<u64>(buffer + padded - 8, bswap<u64>(<u64>(64 + len) << 3))
  }
  const blocks = padded >> 6
  // The template's zero blocks that no patch reaches (every lane's buffer holds the template).
  let zeros: u64 = 0
  for (let b: usize = 0; b < blocks && b < 64; b++) {
    const at = b << 6
    const patched = patchLen > 0 && at < <usize>(patchAt + patchLen) && <usize>patchAt < at + 64
    if (!patched && isZero(BUFFERS + at, 64)) zeros |= <u64>1 << <u64>b
  }
  let r: u32 = 0
  while (r < count) {
    const alg = <u32>load<u8>(KEY_ALGORITHMS + u32At(REC_KEY, r))
    let same = alg != SHA512 && r + 4 <= count
    for (let l: u32 = 1; same && l < 4; l++) same = <u32>load<u8>(KEY_ALGORITHMS + u32At(REC_KEY, r + l)) == alg
    if (same) {
      macLanes(alg, r, blocks, patchAt, patchLen, alg == SHA1 ? zeros : 0)
      r += 4
    } else {
      macRows(r, 1, len, patchAt, patchLen)
      r++
    }
  }
  memory.fill(KEY_STATES, 0, <usize>nkeys * STATE_SLOT)
  memory.fill(BUFFERS, 0, 4 * LANE_BUFFER)
  memory.fill(PATCHES, 0, <usize>count * patchLen)
  // The message, and the scalar path's working state (key material) of rows it took.
  wipe(len)
  memory.fill(MESSAGE_MAC, 0, 64)
  memory.fill(SLOTS, 0, 16)
  wipeLanes()
}

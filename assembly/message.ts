// HMAC (RFC 2104) of messages longer than one block, for OCRA (RFC 6287) and any caller whose message
// is not an 8-byte counter. The key is prepared once (hmacKey, into a midstate slot), then the message
// blocks are absorbed from the inner midstate, then one outer compression gives the digest.
//
// The host writes a message once into MESSAGE. The windowed check (macWindow) patches only the
// 8-byte counter and time fields per candidate; blocks before the first patched field are absorbed
// once per call. The batch form (macBatch) patches one byte range per row from PATCHES, each row
// with its own key.
//
// Regions (static, exported as addresses; only integers cross the boundary):
//   MESSAGE          MESSAGE_CAPACITY bytes  the message (wiped after each call)
//   MESSAGE_MAC      64 bytes                the digest of `mac`, big-endian bytes
//   MESSAGE_EXPECTED 64 bytes                the digest a full-HMAC window check compares against
//   PATCHES          PATCH_CAPACITY bytes    per-row bytes of macBatch, patchLen bytes per row

import { prepareKeys } from './batch'
import { hmacKey } from './hmac'
import { sha1Compress, sha1CompressDigest, sha1CompressZero } from './generated/sha1'
import { sha256Compress, sha256CompressDigest, sha256CompressZero } from './generated/sha256'
import { sha512Compress, sha512CompressDigest } from './generated/sha512'
import { KEY_ALGORITHMS, KEY_BYTES, KEY_STATES, ONE_STATE, OUTER, REC_KEY, REC_OUT, STATE_SLOT } from './layout'
import { NO_MATCH } from './otp'

/** Longest message of `mac` and `macWindow` (MAX_MESSAGE_BYTES of src/core/kernel.ts). */
export const MESSAGE_CAPACITY: u32 = 4096
/** Bytes of per-row patches of one macBatch call. */
export const PATCH_CAPACITY: u32 = 1 << 20

export const MESSAGE: usize = memory.data(MESSAGE_CAPACITY, 16)
export const MESSAGE_MAC: usize = memory.data(64, 16)
export const MESSAGE_EXPECTED: usize = memory.data(64, 16)
export const PATCHES: usize = memory.data(PATCH_CAPACITY, 16)

// Scratch (not exported): the chaining state after the constant prefix, the working state, and the
// padded final block(s).
const PREFIX_STATE: usize = memory.data(64, 16)
const WORK_STATE: usize = memory.data(64, 16)
const TAIL: usize = memory.data(256, 16)

// Small copies and fills are plain loads and stores: the engine runs memory.copy and memory.fill
// as calls out of the module, which cost more than moving a few dozen bytes.

/** Copies `n` bytes from `from` to `to` (regions that do not overlap). */
export function copyBytes(to: usize, from: usize, n: usize): void {
  let i: usize = 0
  for (; i + 8 <= n; i += 8) store<u64>(to + i, load<u64>(from + i))
  for (; i < n; i++) store<u8>(to + i, load<u8>(from + i))
}

/** Zeroes the `n` bytes at `at`. */
export function zeroBytes(at: usize, n: usize): void {
  let i: usize = 0
  for (; i + 8 <= n; i += 8) store<u64>(at + i, 0)
  for (; i < n; i++) store<u8>(at + i, 0)
}

const SHA1: u32 = 0
const SHA256: u32 = 1
const SHA512: u32 = 2

// @ts-ignore: decorator
@inline function blockOf(alg: u32): usize {
  return alg == SHA512 ? 128 : 64
}

// @ts-ignore: decorator
@inline function digestOf(alg: u32): usize {
  return alg == SHA1 ? 20 : alg == SHA256 ? 32 : 64
}

/** Whether the `bytes` (a multiple of 8) at `at` are all zero: every word is read, whatever they hold. */
// @ts-ignore: decorator
@inline export function isZero(at: usize, bytes: usize): bool {
  let any: u64 = 0
  for (let i: usize = 0; i < bytes; i += 8) any |= load<u64>(at + i)
  return any == 0
}

/**
 * Compresses one message block. A 64-byte block of zeros (the unused tail of an OCRA question field,
 * RFC 6287 section 5.1) skips its message schedule; that a block was all zero is all its time tells.
 * (A 128-byte SHA-512 block is longer than such a tail.)
 */
function compressBlock(alg: u32, state: usize, block: usize): void {
  if (alg == SHA512) sha512Compress(state, block)
  else if (isZero(block, 64)) {
    if (alg == SHA1) sha1CompressZero(state)
    else sha256CompressZero(state)
  } else if (alg == SHA1) sha1Compress(state, block)
  else sha256Compress(state, block)
}

/**
 * Absorbs MESSAGE[from .. len) (from a multiple of the block) and the padding into the inner state
 * at `state` (which has absorbed the ipad block and MESSAGE[0 .. from)), then compresses the outer
 * block from the key's outer midstate at `slot + OUTER`, writing the digest to `out` as big-endian
 * bytes (RFC 2104 steps 4 to 7; FIPS 180-4 section 5.1 padding of the ipad block plus the message).
 */
function finish(alg: u32, slot: usize, state: usize, from: usize, len: usize, out: usize): void {
  const block = blockOf(alg)
  let off = from
  for (; len - off >= block; off += block) compressBlock(alg, state, MESSAGE + off)
  const rest = len - off
  const total = rest + 1 + (alg == SHA512 ? 16 : 8) <= block ? block : 2 * block
  zeroBytes(TAIL, total)
  copyBytes(TAIL, MESSAGE + off, rest)
  store<u8>(TAIL + rest, 0x80)
  // The ipad block counts too: block + len bytes in all.
  store<u64>(TAIL + total - 8, bswap<u64>(<u64>(block + len) << 3))
  compressBlock(alg, state, TAIL)
  if (total > block) compressBlock(alg, state, TAIL + block)
  if (alg == SHA1) sha1CompressDigest(slot + OUTER, state, out)
  else if (alg == SHA256) sha256CompressDigest(slot + OUTER, state, out)
  else sha512CompressDigest(slot + OUTER, state, out)
}

/** HMAC of MESSAGE[0 .. len) with the key in `slot`, digest to `out`. */
function macOf(alg: u32, slot: usize, len: usize, out: usize): void {
  copyBytes(WORK_STATE, slot, 64)
  finish(alg, slot, WORK_STATE, 0, len, out)
}

/** The 31-bit dynamic truncation of the digest at `mac` (RFC 4226 section 5.3). */
// @ts-ignore: decorator
@inline function truncated(alg: u32, mac: usize): u32 {
  const offset = <usize>(load<u8>(mac + digestOf(alg) - 1) & 0xf)
  return bswap<u32>(load<u32>(mac + offset)) & 0x7fffffff
}

const POW10: usize = memory.data<u64>([
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000,
])

/** All ones when a == b, else 0; no branch. */
// @ts-ignore: decorator
@inline function equalMask(a: u32, b: u32): i32 {
  const d = a ^ b
  return <i32>((d | (0 - d)) >>> 31) - 1
}

/** All ones when the digest at `mac` equals MESSAGE_EXPECTED, else 0; every byte is compared. */
function digestMask(alg: u32, mac: usize): i32 {
  let diff: u32 = 0
  const n = digestOf(alg)
  for (let i: usize = 0; i < n; i++) diff |= <u32>(load<u8>(mac + i) ^ load<u8>(MESSAGE_EXPECTED + i))
  return equalMask(diff, 0)
}

/** Wipes the message and the scratch of mac, macWindow and macRows. */
export function wipe(len: usize): void {
  zeroBytes(MESSAGE, len)
  zeroBytes(PREFIX_STATE, 64)
  zeroBytes(WORK_STATE, 64)
  zeroBytes(TAIL, 256)
}

/**
 * HMAC(K, MESSAGE[0 .. len)) with the key prepared by setKey; the digest goes to MESSAGE_MAC as
 * big-endian bytes. Wipes the message and its scratch after.
 */
export function mac(alg: u32, len: u32): void {
  macOf(alg, ONE_STATE, len, MESSAGE_MAC)
  wipe(len)
}

/**
 * HMAC(K, MESSAGE[0 .. len)) with the `keyLen`-byte raw key the host wrote at KEY_BYTES, in one call:
 * setKey, mac and clearKey together (one boundary crossing instead of three). Returns the digest's
 * 31-bit dynamic truncation (RFC 4226 section 5.3), what an OCRA code is made of; the digest itself
 * is left in MESSAGE_MAC only when `keep` is not 0 (for the host to read and wipe), else wiped. The
 * key bytes, its midstates, the message and the scratch are wiped.
 */
export function macKeyed(alg: u32, keyLen: u32, len: u32, keep: u32): u32 {
  hmacKey(alg, KEY_BYTES, keyLen, ONE_STATE)
  return macPrepared(alg, keyLen, len, keep)
}

/** macKeyed once its key is prepared in ONE_STATE (the SIMD build prepares it in lanes). */
export function macPrepared(alg: u32, keyLen: u32, len: u32, keep: u32): u32 {
  zeroBytes(KEY_BYTES, keyLen)
  macOf(alg, ONE_STATE, len, MESSAGE_MAC)
  zeroBytes(ONE_STATE, STATE_SLOT)
  wipe(len)
  const value = truncated(alg, MESSAGE_MAC)
  if (!keep) zeroBytes(MESSAGE_MAC, 64)
  return value
}

/** Writes `value` as 8 big-endian bytes at MESSAGE + at. */
// @ts-ignore: decorator
@inline function putU64(at: usize, value: u64): void {
  store<u64>(MESSAGE + at, bswap<u64>(value))
}

/**
 * The constant-time window check over a message with a counter field and/or a time field (the
 * 8-byte big-endian fields at `counterAt` and `timeAt`, -1 when the message has none). Candidates
 * are counters hi:lo + c for c in [0, ahead] and time steps tHi:tLo + t for t in [-behind, timeAhead];
 * each candidate's HMAC (key prepared by setKey) is truncated and reduced mod 10^digits and compared
 * with `code`, or, for digits 0, compared whole with MESSAGE_EXPECTED.
 *
 * Every candidate is computed and compared, whatever matches. The match kept is the most preferred:
 * the smallest c, then the t closest to 0, the negative one first on a tie; returned as
 * c * 65536 + (t + 32768), or NO_MATCH. The caller keeps c and |t| below 32768 and every candidate
 * inside [0, 2^64).
 */
export function macWindow(
  alg: u32, len: u32,
  counterAt: i32, hi: u32, lo: u32, ahead: u32,
  timeAt: i32, timeHi: u32, timeLo: u32, behind: u32, timeAhead: u32,
  code: u32, digits: u32,
): i32 {
  const block = blockOf(alg)
  // Blocks before the first patched field are the same for every candidate: absorb them once.
  let first: usize = len
  if (counterAt >= 0) first = min(first, <usize>counterAt)
  if (timeAt >= 0) first = min(first, <usize>timeAt)
  const prefix = (first / block) * block
  memory.copy(PREFIX_STATE, ONE_STATE, 64)
  for (let off: usize = 0; off < prefix; off += block) compressBlock(alg, PREFIX_STATE, MESSAGE + off)
  const counter = (<u64>hi << 32) | <u64>lo
  const step = (<u64>timeHi << 32) | <u64>timeLo
  const modulus = load<u64>(POW10 + (<usize>digits << 3))
  let found = NO_MATCH
  const span = max(behind, timeAhead)
  // Least preferred first, so that the last match kept is the one the rule picks.
  for (let c: i32 = <i32>ahead; c >= 0; c--) {
    if (counterAt >= 0) putU64(<usize>counterAt, counter + <u64>c)
    for (let m: i32 = <i32>span; m >= 0; m--) {
      for (let side: i32 = 1; side >= -1; side -= 2) {
        if (m == 0 && side < 0) continue
        if (side > 0 ? <u32>m > timeAhead : <u32>m > behind) continue
        const t = m * side
        if (timeAt >= 0) putU64(<usize>timeAt, step + <u64>(<i64>t))
        copyBytes(WORK_STATE, PREFIX_STATE, 64)
        finish(alg, ONE_STATE, WORK_STATE, prefix, len, MESSAGE_MAC)
        const hit = digits == 0
          ? digestMask(alg, MESSAGE_MAC)
          : equalMask(<u32>(<u64>truncated(alg, MESSAGE_MAC) % modulus), code)
        found = ((c * 65536 + (t + 32768)) & hit) | (found & ~hit)
      }
    }
  }
  wipe(len)
  memory.fill(MESSAGE_MAC, 0, 64)
  memory.fill(MESSAGE_EXPECTED, 0, 64)
  return found
}

/**
 * HMACs of `count` rows of one message layout, each row with its own key: row r is the `len`-byte
 * template at MESSAGE with bytes [patchAt, patchAt + patchLen) replaced by the row's bytes at
 * PATCHES + r * patchLen, keyed with batch key REC_KEY[r] (nkeys keys at KEY_OFFSETS, KEY_ALGORITHMS,
 * KEY_BYTES, prepared once each, then wiped). REC_OUT[r] gets the 31-bit truncated value of RFC 4226
 * section 5.3 (the host reduces and compares it). Wipes keys, message and patches after.
 */
export function macBatch(nkeys: u32, count: u32, len: u32, patchAt: u32, patchLen: u32): void {
  prepareKeys(nkeys)
  macRows(0, count, len, patchAt, patchLen)
  memory.fill(KEY_STATES, 0, <usize>nkeys * STATE_SLOT)
  memory.fill(PATCHES, 0, <usize>count * patchLen)
  memory.fill(MESSAGE_MAC, 0, 64)
  wipe(len)
}

/**
 * Rows first .. first + n - 1 of macBatch, one at a time, with keys already prepared in their slots:
 * REC_OUT[r] gets row r's truncated value. Also the SIMD build's path for rows it cannot put in lanes.
 */
export function macRows(first: u32, n: u32, len: u32, patchAt: u32, patchLen: u32): void {
  for (let r = first; r < first + n; r++) {
    const key = load<u32>(REC_KEY + (<usize>r << 2))
    const alg = <u32>load<u8>(KEY_ALGORITHMS + key)
    copyBytes(MESSAGE + patchAt, PATCHES + <usize>r * patchLen, patchLen)
    macOf(alg, KEY_STATES + <usize>key * STATE_SLOT, len, MESSAGE_MAC)
    store<u32>(REC_OUT + (<usize>r << 2), truncated(alg, MESSAGE_MAC))
  }
}

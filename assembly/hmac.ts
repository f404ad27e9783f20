// HMAC (RFC 2104) over the three compression functions, specialised for 8-byte messages.
//
// Per key, the ipad and opad blocks are absorbed once into an inner and an outer midstate; every
// counter then costs exactly two compressions (the inner counter block, the outer digest block),
// whose constant padding words are folded into the generated code.

import { SHA1_IV, sha1Compress, sha1CompressCounter, sha1CompressDigest } from './generated/sha1'
import { SHA256_IV, sha256Compress, sha256CompressCounter, sha256CompressDigest } from './generated/sha256'
import { SHA512_IV, sha512Compress, sha512CompressCounter, sha512CompressDigest } from './generated/sha512'
import { DIGEST, HASH_BLOCK, HASH_STATE, INNER, OUTER, PAD } from './layout'

/** AlgorithmId of src/kernel.ts: the index of the hash in ['SHA1', 'SHA256', 'SHA512']. */
export const SHA1: u32 = 0
export const SHA256: u32 = 1
export const SHA512: u32 = 2

/** The hash's block length B of RFC 2104: 64 bytes, or 128 for SHA-512. */
// @ts-ignore: decorator
@inline export function blockBytes(alg: u32): usize {
  return alg == SHA512 ? 128 : 64
}

/** The hash's output length L of RFC 2104. */
// @ts-ignore: decorator
@inline export function digestBytes(alg: u32): usize {
  return alg == SHA1 ? 20 : alg == SHA256 ? 32 : 64
}

function init(alg: u32, state: usize): void {
  memory.copy(state, alg == SHA1 ? SHA1_IV : alg == SHA256 ? SHA256_IV : SHA512_IV, digestBytes(alg))
}

function compress(alg: u32, state: usize, block: usize): void {
  if (alg == SHA1) sha1Compress(state, block)
  else if (alg == SHA256) sha256Compress(state, block)
  else sha512Compress(state, block)
}

/** XORs `len` bytes (a multiple of 8) at `ptr` with the byte repeated in `pattern`. */
function xorBlock(ptr: usize, len: usize, pattern: u64): void {
  for (let i: usize = 0; i < len; i += 8) store<u64>(ptr + i, load<u64>(ptr + i) ^ pattern)
}

/**
 * Hashes the `len` bytes at `msg` (FIPS 180-4 section 5.1 padding) and writes the digest to `out`
 * as big-endian bytes. Used for keys longer than a block (RFC 2104 section 2). Wipes its scratch.
 */
function hashMessage(alg: u32, msg: usize, len: usize, out: usize): void {
  const block = blockBytes(alg)
  init(alg, HASH_STATE)
  let off: usize = 0
  for (; len - off >= block; off += block) compress(alg, HASH_STATE, msg + off)
  // The tail, 0x80, zeros, and the bit length in the last 8 bytes (SHA-512 has 16 length bytes,
  // whose upper 8 stay zero for keys of less than 2^61 bytes): one block, or two if it does not fit.
  const rest = len - off
  const total = rest + 1 + (alg == SHA512 ? 16 : 8) <= block ? block : 2 * block
  memory.copy(HASH_BLOCK, msg + off, rest)
  store<u8>(HASH_BLOCK + rest, 0x80)
  memory.fill(HASH_BLOCK + rest + 1, 0, total - rest - 1)
  store<u64>(HASH_BLOCK + total - 8, bswap<u64>(u64(len) << 3))
  compress(alg, HASH_STATE, HASH_BLOCK)
  if (total > block) compress(alg, HASH_STATE, HASH_BLOCK + block)
  if (alg == SHA512) {
    for (let i: usize = 0; i < 64; i += 8) store<u64>(out + i, bswap<u64>(load<u64>(HASH_STATE + i)))
  } else {
    const n = digestBytes(alg)
    for (let i: usize = 0; i < n; i += 4) store<u32>(out + i, bswap<u32>(load<u32>(HASH_STATE + i)))
  }
  memory.fill(HASH_STATE, 0, 64)
  memory.fill(HASH_BLOCK, 0, 256)
}

/**
 * Prepares the HMAC midstates of the `len`-byte key at `key` into the slot at `slot`: the inner state
 * H(IV, K ^ ipad) at +0 and the outer state H(IV, K ^ opad) at +64 (RFC 2104 section 2; a key longer
 * than the block is first replaced by its hash). Costs two compressions (plus the hash of a long key);
 * wipes the padded key block after.
 */
export function hmacKey(alg: u32, key: usize, len: usize, slot: usize): void {
  const block = blockBytes(alg)
  if (len > block) {
    hashMessage(alg, key, len, PAD)
    len = digestBytes(alg)
  } else {
    memory.copy(PAD, key, len)
  }
  memory.fill(PAD + len, 0, block - len)
  xorBlock(PAD, block, 0x3636363636363636)
  init(alg, slot)
  compress(alg, slot, PAD)
  xorBlock(PAD, block, 0x3636363636363636 ^ 0x5c5c5c5c5c5c5c5c)
  init(alg, slot + OUTER)
  compress(alg, slot + OUTER, PAD)
  memory.fill(PAD, 0, block)
}

/**
 * HMAC(K, C) of the 8-byte big-endian counter `hi:lo` (RFC 4226 section 5.2) with the key prepared in
 * `slot`; the digest is left in DIGEST as big-endian bytes. Exactly two compressions.
 */
export function hmacCounter(alg: u32, slot: usize, hi: u32, lo: u32): void {
  if (alg == SHA1) {
    sha1CompressCounter(slot, hi, lo, INNER)
    sha1CompressDigest(slot + OUTER, INNER, DIGEST)
  } else if (alg == SHA256) {
    sha256CompressCounter(slot, hi, lo, INNER)
    sha256CompressDigest(slot + OUTER, INNER, DIGEST)
  } else {
    sha512CompressCounter(slot, hi, lo, INNER)
    sha512CompressDigest(slot + OUTER, INNER, DIGEST)
  }
}

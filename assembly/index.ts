// The scalar kernel's exports: the ABI that src/kernels/wasm.ts types as WasmExports. A SIMD entry
// (index.simd.ts) is to provide exactly these names with the same meanings.
//
// Only integers cross the boundary. Inputs are written by the host into the static regions that
// exports.ts exports (their addresses are immutable globals), results are returned or left in REC_OUT.
// Counters cross as two u32 halves (hi, lo); algorithms are AlgorithmIds (0 SHA-1, 1 SHA-256, 2 SHA-512).

import { hmacKey } from './hmac'
import { DIGEST, INNER, KEY_BYTES, ONE_STATE, STATE_SLOT } from './layout'
import { counterOf, hotpAt, scanRange, verifyWindow } from './otp'

export * from './exports'
export { verifyRecords as verifyBatch, generateRecords as generateBatch } from './batch'

/**
 * Prepares the HMAC midstates (RFC 2104 section 2) of the `len`-byte key the host wrote at KEY_BYTES,
 * for the single-key calls below, and wipes the raw key bytes. Pair with clearKey.
 */
export function setKey(alg: u32, len: u32): void {
  hmacKey(alg, KEY_BYTES, len, ONE_STATE)
  memory.fill(KEY_BYTES, 0, len)
}

/** Wipes the prepared key's midstates and the last HMAC. */
export function clearKey(): void {
  memory.fill(ONE_STATE, 0, STATE_SLOT)
  memory.fill(INNER, 0, 64)
  memory.fill(DIGEST, 0, 64)
}

/** HOTP(K, hi:lo) mod 10^digits with the prepared key (RFC 4226 section 5.3, RFC 6238 section 4). */
export function hotp(alg: u32, hi: u32, lo: u32, digits: u32): u32 {
  return hotpAt(alg, ONE_STATE, counterOf(hi, lo), digits)
}

/**
 * The matched delta of `code` in `hi:lo - behind ... hi:lo + ahead`, closest to 0 and negative first,
 * or NO_MATCH; constant time over the window (RFC 4226 section 7.2 look-ahead, RFC 6238 section 5.2).
 */
export function verify(alg: u32, hi: u32, lo: u32, code: u32, digits: u32, behind: u32, ahead: u32): i32 {
  return verifyWindow(alg, ONE_STATE, counterOf(hi, lo), code, digits, behind, ahead)
}

/**
 * The resync scan of RFC 4226 section 7.4 over `count` counters from `hi:lo`, for the `ncodes`
 * consecutive codes the host wrote at CODES: the earliest matching offset, or -1. Meant to be called
 * in chunks of tens of thousands of counters, so that V8 can tier the code up between calls.
 */
export function scan(alg: u32, hi: u32, lo: u32, count: u32, ncodes: u32, digits: u32): i32 {
  return scanRange(alg, ONE_STATE, counterOf(hi, lo), count, ncodes, digits)
}

/** hotp, then clearKey: the code of a prepared key (written at KEY_STATE by the host) in one call. */
export function hotpClear(alg: u32, hi: u32, lo: u32, digits: u32): u32 {
  const value = hotp(alg, hi, lo, digits)
  clearKey()
  return value
}

/** verify, then clearKey: a prepared key's window check in one call. */
export function verifyClear(alg: u32, hi: u32, lo: u32, code: u32, digits: u32, behind: u32, ahead: u32): i32 {
  const delta = verify(alg, hi, lo, code, digits, behind, ahead)
  clearKey()
  return delta
}

// HMAC of longer messages (OCRA, RFC 6287): one message, a window of counter / time candidates, or
// a batch of rows with their own keys (message.ts).
export { MESSAGE_CAPACITY, PATCH_CAPACITY, MESSAGE, MESSAGE_MAC, MESSAGE_EXPECTED, PATCHES, mac, macKeyed, macWindow, macBatch } from './message'

// HMAC of a message with a prepared key written at KEY_STATE (mac-prepared.ts).
export { macState } from './mac-prepared'

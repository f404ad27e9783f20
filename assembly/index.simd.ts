// The SIMD build's exports (asconfig.json target `simd`, compiled with --enable simd): exactly the
// names, regions and meanings of the scalar entry (index.ts), so that src/kernels/wasm.ts drives either.
// The host prefers this build and falls back to the scalar one where SIMD does not validate.
//
// What runs in lanes (simd/): window checks and resync scans of one key (consecutive counters in
// lanes), and batches (each lane its own record's key and counter, keys prepared in lanes too).
// What does not gain from lanes stays scalar and is shared with index.ts: key setup of one key,
// single HOTP values, and clearKey.

import { ONE_STATE } from './layout'
import { counterOf } from './otp'
import { scanRangeLanes, verifyWindowClear, verifyWindowLanes } from './simd/otp'

export * from './exports'
export { setKey, clearKey, hotp, hotpClear } from './index'
export { verifyRecords as verifyBatch, generateRecords as generateBatch } from './simd/batch'

/**
 * The matched delta of `code` in `hi:lo - behind ... hi:lo + ahead`, closest to 0 and negative first,
 * or NO_MATCH; constant time over the window. Consecutive counters of the window share a vector.
 */
export function verify(alg: u32, hi: u32, lo: u32, code: u32, digits: u32, behind: u32, ahead: u32): i32 {
  return verifyWindowLanes(alg, ONE_STATE, counterOf(hi, lo), code, digits, behind, ahead)
}

/**
 * The resync scan of RFC 4226 section 7.4 over `count` counters from `hi:lo` (as index.ts scan):
 * the earliest matching offset, or -1; 4 consecutive counters per vector (2 for SHA-512).
 */
export function scan(alg: u32, hi: u32, lo: u32, count: u32, ncodes: u32, digits: u32): i32 {
  return scanRangeLanes(alg, ONE_STATE, counterOf(hi, lo), count, ncodes, digits)
}

/** verify, then the wipe of clearKey: a prepared key's window check in one call (as index.ts verifyClear). */
export function verifyClear(alg: u32, hi: u32, lo: u32, code: u32, digits: u32, behind: u32, ahead: u32): i32 {
  return verifyWindowClear(alg, ONE_STATE, counterOf(hi, lo), code, digits, behind, ahead)
}

// HMAC of longer messages (OCRA): one message and windows scalar, as in index.ts; batches of rows
// 4 per vector for SHA-1 and SHA-256 (simd/message.ts).
export { MESSAGE_CAPACITY, PATCH_CAPACITY, MESSAGE, MESSAGE_MAC, MESSAGE_EXPECTED, PATCHES, mac, macWindow } from './message'
export { macBatchLanes as macBatch, macKeyedLanes as macKeyed } from './simd/message'

// HMAC of a message with a prepared key written at KEY_STATE (mac-prepared.ts).
export { macState } from './mac-prepared'

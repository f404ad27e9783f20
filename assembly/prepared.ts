// Prepared keys: HMAC midstates computed once by the host's objects (src/tokens) or by an earlier
// setKey, and handed back to the kernel instead of the key, so that a key costs no setup here.
//
// A prepared key is a midstate slot as hmacKey fills it (STATE_SLOT bytes: the inner state at +0, the
// outer at +OUTER, native words). Single-key calls take it in KEY_STATE, the slot setKey fills; batch
// keys take it in KEY_BYTES, flagged by PREPARED_KEY in their KEY_ALGORITHMS entry.

import { KEY_ALGORITHMS, ONE_STATE, STATE_SLOT } from './layout'

/**
 * The midstate slot of the single-key calls (hotp, verify, scan): setKey prepares a key into it, and
 * the host may write a prepared key there itself instead. clearKey wipes it.
 */
export const KEY_STATE: usize = ONE_STATE

/** Added to a batch key's AlgorithmId in KEY_ALGORITHMS when its bytes are a prepared key. */
export const PREPARED_KEY: u32 = 4

/**
 * When batch key `k` is a prepared key of algorithm `alg`, copies its midstates from `key` into
 * `slot`, clears its flag (so that KEY_ALGORITHMS holds plain AlgorithmIds for the records' pass)
 * and answers true; else false, and the caller prepares the key.
 */
export function takePrepared(alg: u32, k: u32, key: usize, slot: usize): bool {
  if (<u32>load<u8>(KEY_ALGORITHMS + k) != alg + PREPARED_KEY) return false
  // 16 word copies: a batch copies every prepared key of every chunk, and memory.copy is a call out
  // of the module in V8, several times the cost of these 128 bytes.
  for (let i: usize = 0; i < <usize>STATE_SLOT; i += 8) store<u64>(slot + i, load<u64>(key + i))
  store<u8>(KEY_ALGORITHMS + k, <u8>alg)
  return true
}

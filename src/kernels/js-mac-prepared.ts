/**
 * Kernel.macPrepared for the JS kernel: the HMAC of a message from a prepared key's midstates,
 * loaded into a keyed @noble/hashes state (js-midstates.ts) instead of keying one, so that the key
 * setup is skipped here as it is in the WASM kernel. The same bytes as Kernel.mac with the raw key.
 */
import { PREPARED_KEY_BYTES, type AlgorithmId } from '../core/kernel.js'
import { keyedShell, loadMidstates } from './js-midstates.js'

/** HMAC(K, message) with K's midstates given as PREPARED_KEY_WORDS words; the digest into `out`. */
export function macPrepared(alg: AlgorithmId, state: Uint32Array, message: Uint8Array, out: Uint8Array): void {
  const keyed = keyedShell(alg)
  try {
    loadMidstates(alg, keyed, new Uint8Array(state.buffer, state.byteOffset, PREPARED_KEY_BYTES))
    keyed.update(message).digestInto(out)
  } finally {
    // Wipes both hashes' chaining words (noble's destroy).
    keyed.destroy()
  }
}

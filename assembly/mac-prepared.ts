// HMAC of a message (as ./message.ts mac) with a prepared key: midstates the host wrote into the
// single-key slot (KEY_STATE of ./prepared.ts) instead of a raw key, so that a key whose midstates
// are kept (the verifier's state MAC key) costs no key setup per message: one compression per block
// of the message and one outer compression, the two of key setup saved.

import { ONE_STATE, STATE_SLOT } from './layout'
import { mac } from './message'

/**
 * HMAC(K, MESSAGE[0 .. len)) with the prepared key at KEY_STATE; the digest goes to MESSAGE_MAC as
 * big-endian bytes. Wipes the midstates, the message and its scratch before it returns.
 */
export function macState(alg: u32, len: u32): void {
  mac(alg, len)
  memory.fill(ONE_STATE, 0, STATE_SLOT)
}

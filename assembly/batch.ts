// Batch verify and generate over the record columns of layout.ts (one chunk of a PackedBatch).
// Key setup is paid once per key per call; the midstates of every key of the chunk are prepared
// first, the raw key bytes wiped at once, then records are processed in order.

import { hmacKey } from './hmac'
import {
  DIGEST, INNER, KEY_ALGORITHMS, KEY_BYTES, KEY_OFFSETS, KEY_STATES, REC_AHEAD, REC_BEHIND, REC_CODE,
  REC_DIGITS, REC_HI, REC_KEY, REC_LO, REC_OUT, STATE_SLOT,
} from './layout'
import { counterOf, hotpAt, verifyWindow } from './otp'
import { PREPARED_KEY, takePrepared } from './prepared'

/** Entry `i` of a u32 column. */
// @ts-ignore: decorator
@inline export function u32At(column: usize, i: u32): u32 {
  return load<u32>(column + (<usize>i << 2))
}

/** Record `r`'s 64-bit counter, from REC_HI and REC_LO. */
// @ts-ignore: decorator
@inline export function counterAt(r: u32): u64 {
  return counterOf(u32At(REC_HI, r), u32At(REC_LO, r))
}

/** The midstate slot of batch key `key`. */
// @ts-ignore: decorator
@inline export function slotOf(key: u32): usize {
  return KEY_STATES + <usize>key * STATE_SLOT
}

/** Prepares the midstates of keys 0 .. nkeys - 1 (a prepared key's are copied), then wipes their raw bytes. */
export function prepareKeys(nkeys: u32): void {
  for (let k: u32 = 0; k < nkeys; k++) {
    const start = u32At(KEY_OFFSETS, k)
    const end = u32At(KEY_OFFSETS, k + 1)
    const alg: u32 = load<u8>(KEY_ALGORITHMS + k) & ~PREPARED_KEY
    if (!takePrepared(alg, k, KEY_BYTES + start, slotOf(k))) hmacKey(alg, KEY_BYTES + start, end - start, slotOf(k))
  }
  memory.fill(KEY_BYTES, 0, u32At(KEY_OFFSETS, nkeys))
}

/** Wipes what the records' HMACs left behind: the midstates and the last digests. */
export function wipeKeys(nkeys: u32): void {
  memory.fill(KEY_STATES, 0, <usize>nkeys * STATE_SLOT)
  memory.fill(INNER, 0, 64)
  memory.fill(DIGEST, 0, 64)
}

/** Verifies `count` records: REC_OUT[r] = verifyWindow(...) of record r. */
export function verifyRecords(nkeys: u32, count: u32): void {
  prepareKeys(nkeys)
  for (let r: u32 = 0; r < count; r++) {
    const key = u32At(REC_KEY, r)
    const delta = verifyWindow(
      load<u8>(KEY_ALGORITHMS + key),
      slotOf(key),
      counterAt(r),
      u32At(REC_CODE, r),
      load<u8>(REC_DIGITS + r),
      u32At(REC_BEHIND, r),
      u32At(REC_AHEAD, r),
    )
    store<i32>(REC_OUT + (<usize>r << 2), delta)
  }
  wipeKeys(nkeys)
}

/** Generates `count` codes: REC_OUT[r] = hotp of record r's key and counter. */
export function generateRecords(nkeys: u32, count: u32): void {
  prepareKeys(nkeys)
  for (let r: u32 = 0; r < count; r++) {
    const key = u32At(REC_KEY, r)
    const code = hotpAt(load<u8>(KEY_ALGORITHMS + key), slotOf(key), counterAt(r), load<u8>(REC_DIGITS + r))
    store<u32>(REC_OUT + (<usize>r << 2), code)
  }
  wipeKeys(nkeys)
}

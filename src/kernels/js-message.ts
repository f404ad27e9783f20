/**
 * The JS kernel's HMAC of longer messages (Kernel.mac, macWindow, macBatch) over @noble/hashes, for
 * OCRA (RFC 6287). Like the counter path it pays key setup once: `hmac.create` absorbs the ipad and
 * opad blocks, and a window absorbs the blocks before its first patched field once too, then clones
 * that state per candidate.
 */
import type { _HMAC } from '@noble/hashes/hmac.js'
import { noble } from '../core/hashes.js'
import { NO_MATCH, windowMatch, type AlgorithmId, type Kernel, type MessageWindow } from '../core/kernel.js'
import { POWERS_OF_TEN, equalMask, truncatedValue } from '../core/truncate.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one keyed state type over noble's three hashes
type Keyed = _HMAC<any>
const BLOCK = [64, 64, 128] as const

/** Writes `hi:lo + delta` (kept inside [0, 2^64) by the caller) as 8 big-endian bytes at `at`. */
function putCounter(view: DataView, at: number, hi: number, lo: number, delta: number): void {
  const low = lo + delta
  const carry = Math.floor(low / 0x1_0000_0000)
  view.setUint32(at, (hi + carry) >>> 0)
  view.setUint32(at + 4, low >>> 0)
}

/** -1 when the digests are equal, else 0; every byte is compared. */
function digestMask(a: Uint8Array, b: Uint8Array): number {
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return ((diff | 0) - 1) >> 31
}

function mac(alg: AlgorithmId, key: Uint8Array, message: Uint8Array, out?: Uint8Array): number {
  const { hmac, hashes } = noble()
  const keyed = hmac.create(hashes[alg], key)
  const digest = new Uint8Array(keyed.outputLen)
  keyed.update(message).digestInto(digest)
  const value = truncatedValue(digest)
  out?.set(digest)
  digest.fill(0)
  return value
}

function macWindow(
  alg: AlgorithmId,
  key: Uint8Array,
  message: Uint8Array,
  window: MessageWindow,
  code: number,
  digits: number,
  expected?: Uint8Array,
): number {
  const { counterAt, counterHi, counterLo, ahead, timeAt, timeHi, timeLo, behind, timeAhead } = window
  // A copy: the fields are patched per candidate, and the caller's bytes are not ours to write.
  const work = message.slice()
  const view = new DataView(work.buffer)
  const block = BLOCK[alg]
  let first = work.length
  if (counterAt >= 0) first = Math.min(first, counterAt)
  if (timeAt >= 0) first = Math.min(first, timeAt)
  const prefix = first - (first % block)
  const { hmac, hashes } = noble()
  const keyed: Keyed = hmac.create(hashes[alg], key)
  keyed.update(work.subarray(0, prefix))
  let state: Keyed = keyed.clone()
  const digest = new Uint8Array(keyed.outputLen)
  const rest = work.subarray(prefix)
  let found = NO_MATCH
  try {
    // Least preferred first (largest counter delta; time ... +1, -1, 0), so the last match kept wins.
    for (let c = ahead; c >= 0; c--) {
      if (counterAt >= 0) putCounter(view, counterAt, counterHi, counterLo, c)
      for (let m = Math.max(behind, timeAhead); m >= 0; m--) {
        for (const t of m === 0 ? [0] : [m, -m]) {
          if (t > timeAhead || -t > behind) continue
          if (timeAt >= 0) putCounter(view, timeAt, timeHi, timeLo, t)
          state = keyed._cloneInto(state)
          state.update(rest).digestInto(digest)
          const hit = digits === 0 ? digestMask(digest, expected!) : equalMask(truncatedValue(digest) % POWERS_OF_TEN[digits]!, code)
          found ^= (found ^ windowMatch(c, t)) & hit
        }
      }
    }
    return found
  } finally {
    keyed.destroy()
    state.destroy()
    work.fill(0)
    digest.fill(0)
  }
}

/** The JS kernel's message functions, merged into createJsKernel's Kernel. */
export const jsMessageKernel: Pick<Kernel, 'mac' | 'macWindow' | 'macBatch'> = {
  mac,
  macWindow,
  macBatch(batch, out) {
    const { template, patchAt, patchLength, patches } = batch
    const message = template.slice()
    const digest = new Uint8Array(64)
    const keyed: (Keyed | undefined)[] = []
    // One scratch state per hash: a clone goes into a state of the same hash only.
    const works: (Keyed | undefined)[] = []
    const { hmac, hashes } = noble()
    try {
      for (let r = 0; r < batch.count; r++) {
        const k = batch.keyIndex[r]!
        let state = keyed[k]
        if (state === undefined) {
          const key = batch.keyBytes.subarray(batch.keyOffsets[k], batch.keyOffsets[k + 1])
          state = keyed[k] = hmac.create(hashes[batch.keyAlgorithms[k] as AlgorithmId], key)
        }
        message.set(patches.subarray(r * patchLength, (r + 1) * patchLength), patchAt)
        const alg = batch.keyAlgorithms[k]!
        const work = (works[alg] = state._cloneInto(works[alg]))
        work.update(message).digestInto(digest)
        out[r] = truncatedValue(digest.subarray(0, state.outputLen))
      }
    } finally {
      for (const state of keyed) state?.destroy()
      for (const work of works) work?.destroy()
      message.fill(0)
      digest.fill(0)
    }
  },
}

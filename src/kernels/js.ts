/**
 * The JS kernel: HMAC over @noble/hashes, for runtimes where WebAssembly is unavailable
 * (a Content-Security-Policy without 'wasm-unsafe-eval', an old runtime).
 *
 * Like the WASM kernel it pays key setup once per key: `hmac.create` absorbs the ipad and opad
 * blocks, and each counter then clones that keyed state instead of re-deriving it. A prepared key
 * (its midstates) is loaded into a keyed state without any key setup (js-midstates.ts).
 */
import { noble } from '../core/hashes.js'
import { NO_MATCH, PREPARED_KEY, PREPARED_KEY_BYTES, type AlgorithmId, type Kernel, type PackedBatch } from '../core/kernel.js'
import { equalMask, truncate } from '../core/truncate.js'
import { jsMessageKernel } from './js-message.js'
import { keyedShell, loadMidstates, storeMidstates, type Keyed } from './js-midstates.js'
import { macPrepared } from './js-mac-prepared.js'

/** A keyed HMAC state and the scratch to compute one counter's HOTP from it without allocating. */
class KeyedHotp {
  private readonly keyed: Keyed
  private work: Keyed
  private readonly counter = new Uint8Array(8)
  private readonly counterView = new DataView(this.counter.buffer)
  private readonly mac: Uint8Array

  /** `key` is the raw key, or with `prepared` its midstates (PREPARED_KEY_BYTES): no key setup then. */
  constructor(alg: AlgorithmId, key: Uint8Array, prepared = false) {
    if (prepared) {
      this.keyed = keyedShell(alg)
      loadMidstates(alg, this.keyed, key)
    } else {
      const { hmac, hashes } = noble()
      this.keyed = hmac.create(hashes[alg], key)
    }
    this.work = this.keyed.clone()
    this.mac = new Uint8Array(this.keyed.outputLen)
  }

  /** hotp(hi * 2^32 + lo + delta) mod 10^digits; the caller keeps the sum inside [0, 2^64). */
  value(hi: number, lo: number, delta: number, digits: number): number {
    const low = lo + delta
    const carry = Math.floor(low / 0x1_0000_0000)
    this.counterView.setUint32(0, (hi + carry) >>> 0)
    this.counterView.setUint32(4, low >>> 0)
    this.work = this.keyed._cloneInto(this.work)
    this.work.update(this.counter).digestInto(this.mac)
    return truncate(this.mac, digits)
  }

  /** Forgets the key: noble keeps only the padded-key hash states, which destroy() zeroes. */
  destroy(): void {
    this.keyed.destroy()
    this.work.destroy()
    this.mac.fill(0)
  }
}

function verifyKeyed(keyed: KeyedHotp, hi: number, lo: number, code: number, digits: number, behind: number, ahead: number): number {
  // Walk the window from the least to the most preferred delta (... +2, -2, +1, -1, 0), so that a
  // later match overwrites an earlier one; every counter is computed whatever matches.
  let result = NO_MATCH
  for (let k = Math.max(behind, ahead); k >= 0; k--) {
    if (k <= ahead) result ^= (result ^ k) & equalMask(keyed.value(hi, lo, k, digits), code)
    if (k <= behind && k > 0) result ^= (result ^ -k) & equalMask(keyed.value(hi, lo, -k, digits), code)
  }
  return result
}

function scanKeyed(keyed: KeyedHotp, hi: number, lo: number, count: number, codes: ArrayLike<number>, digits: number): number {
  for (let i = 0; i < count; i++) {
    let j = 0
    while (j < codes.length && keyed.value(hi, lo, i + j, digits) === codes[j]) j++
    if (j === codes.length) return i
  }
  return -1
}

/** Runs `body` once per key of the batch, over the records that use that key. */
function forEachKey(batch: PackedBatch, body: (keyed: KeyedHotp, record: number) => void): void {
  const keyed: (KeyedHotp | undefined)[] = []
  try {
    for (let i = 0; i < batch.count; i++) {
      const k = batch.keyIndex[i]!
      let state = keyed[k]
      if (state === undefined) {
        const key = batch.keyBytes.subarray(batch.keyOffsets[k], batch.keyOffsets[k + 1])
        const alg = batch.keyAlgorithms[k]!
        state = keyed[k] = new KeyedHotp((alg & ~PREPARED_KEY) as AlgorithmId, key, alg >= PREPARED_KEY)
      }
      body(state, i)
    }
  } finally {
    for (const state of keyed) state?.destroy()
  }
}

/** The bytes of a prepared key given as words. */
const bytesOf = (state: Uint32Array): Uint8Array => new Uint8Array(state.buffer, state.byteOffset, PREPARED_KEY_BYTES)

/** Creates the JS kernel. It holds no state between calls. */
export function createJsKernel(): Kernel {
  function withKey<T>(alg: AlgorithmId, key: Uint8Array, body: (keyed: KeyedHotp) => T, prepared = false): T {
    const keyed = new KeyedHotp(alg, key, prepared)
    try {
      return body(keyed)
    } finally {
      keyed.destroy()
    }
  }
  return {
    backend: 'js',
    ...jsMessageKernel,
    macPrepared,
    hotp: (alg, key, hi, lo, digits) => withKey(alg, key, (k) => k.value(hi, lo, 0, digits)),
    verify: (alg, key, hi, lo, code, digits, behind, ahead) =>
      withKey(alg, key, (k) => verifyKeyed(k, hi, lo, code, digits, behind, ahead)),
    scan: (alg, key, hi, lo, count, codes, digits) => withKey(alg, key, (k) => scanKeyed(k, hi, lo, count, codes, digits)),
    prepareKey(alg, key, out) {
      const { hmac, hashes } = noble()
      const keyed = hmac.create(hashes[alg], key)
      storeMidstates(alg, keyed, out)
      keyed.destroy()
    },
    hotpPrepared: (alg, state, hi, lo, digits) => withKey(alg, bytesOf(state), (k) => k.value(hi, lo, 0, digits), true),
    verifyPrepared: (alg, state, hi, lo, code, digits, behind, ahead) =>
      withKey(alg, bytesOf(state), (k) => verifyKeyed(k, hi, lo, code, digits, behind, ahead), true),
    scanPrepared: (alg, state, hi, lo, count, codes, digits) =>
      withKey(alg, bytesOf(state), (k) => scanKeyed(k, hi, lo, count, codes, digits), true),
    verifyBatch(batch, delta) {
      forEachKey(batch, (keyed, i) => {
        delta[i] = verifyKeyed(
          keyed,
          batch.counterHi[i]!,
          batch.counterLo[i]!,
          batch.code[i]!,
          batch.digits[i]!,
          batch.behind[i]!,
          batch.ahead[i]!,
        )
      })
    },
    generateBatch(batch, out) {
      forEachKey(batch, (keyed, i) => {
        out[i] = keyed.value(batch.counterHi[i]!, batch.counterLo[i]!, 0, batch.digits[i]!)
      })
    },
  }
}

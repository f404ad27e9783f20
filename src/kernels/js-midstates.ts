/**
 * Prepared keys for the JS kernel: moves the HMAC midstates of a @noble/hashes keyed state to and
 * from the portable layout of PREPARED_KEY_BYTES (src/core/kernel.ts), so that a key prepared on any
 * backend is used here without its key setup, and the other way round.
 *
 * noble's HMAC keeps the ipad and opad hashes (`iHash`, `oHash`) after one block each; their chaining
 * words are read and written with the hashes' own get() / set() (SHA-512 as 16 high, low halves).
 */
import type { _HMAC } from '@noble/hashes/hmac.js'
import { noble } from '../core/hashes.js'
import { PREPARED_KEY_BYTES, SHA512, type AlgorithmId } from '../core/kernel.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one keyed state type over noble's three hashes
export type Keyed = _HMAC<any>

/** The chaining words of a noble hash (protected in its types, public at run time). */
interface Chaining {
  get(): number[]
  set(...words: number[]): void
}

/** Where the outer midstate starts in a prepared key. */
const OUTER = 64

const templates: Array<Keyed | undefined> = []

/**
 * A keyed state to load midstates into: cloned from a state keyed once with a one-byte zero key (no
 * secret), which has absorbed exactly one block into each hash, as every keyed state has.
 */
export function keyedShell(alg: AlgorithmId): Keyed {
  const { hmac, hashes } = noble()
  const template = (templates[alg] ??= hmac.create(hashes[alg], new Uint8Array(1)))
  return template._cloneInto()
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, PREPARED_KEY_BYTES)
}

function writeWords(alg: AlgorithmId, hash: unknown, view: DataView, at: number): void {
  const words = (hash as Chaining).get()
  if (alg === SHA512) {
    // get() gives Ah, Al, Bh, Bl, ...: each u64 word goes low half first (little-endian).
    for (let i = 0; i < 8; i++) {
      view.setUint32(at + 8 * i, words[2 * i + 1]! >>> 0, true)
      view.setUint32(at + 8 * i + 4, words[2 * i]! >>> 0, true)
    }
  } else {
    for (let i = 0; i < words.length; i++) view.setUint32(at + 4 * i, words[i]! >>> 0, true)
  }
  words.fill(0)
}

function readWords(alg: AlgorithmId, hash: unknown, view: DataView, at: number): void {
  const chaining = hash as Chaining
  if (alg === SHA512) {
    const w = (i: number, high: number) => view.getUint32(at + 8 * i + 4 * high, true) | 0
    chaining.set(
      w(0, 1),
      w(0, 0),
      w(1, 1),
      w(1, 0),
      w(2, 1),
      w(2, 0),
      w(3, 1),
      w(3, 0),
      w(4, 1),
      w(4, 0),
      w(5, 1),
      w(5, 0),
      w(6, 1),
      w(6, 0),
      w(7, 1),
      w(7, 0),
    )
  } else {
    const w = (i: number) => view.getUint32(at + 4 * i, true) | 0
    if (alg === 0) chaining.set(w(0), w(1), w(2), w(3), w(4))
    else chaining.set(w(0), w(1), w(2), w(3), w(4), w(5), w(6), w(7))
  }
}

/** Writes the midstates of a keyed state into `out` (PREPARED_KEY_BYTES, zeros past the words). */
export function storeMidstates(alg: AlgorithmId, keyed: Keyed, out: Uint8Array): void {
  out.fill(0, 0, PREPARED_KEY_BYTES)
  const view = viewOf(out)
  writeWords(alg, keyed.iHash, view, 0)
  writeWords(alg, keyed.oHash, view, OUTER)
}

/** Sets a keyed state (from keyedShell) to the midstates of a prepared key. */
export function loadMidstates(alg: AlgorithmId, keyed: Keyed, state: Uint8Array): void {
  const view = viewOf(state)
  readWords(alg, keyed.iHash, view, 0)
  readWords(alg, keyed.oHash, view, OUTER)
}

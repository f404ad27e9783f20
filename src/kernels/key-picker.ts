/**
 * How a row range of a PackedBatch takes its keys somewhere else (a pool shard's buffer, the WASM
 * kernel's memory): whole, when the batch's key columns can go as they are, or picked: the keys the
 * rows use, numbered in order of first use and copied back to back, so that each is set up once.
 */
import type { PackedBatch } from '../core/kernel.js'

/**
 * Whether a batch's key columns can be copied as they are, without re-indexing its keys: its
 * offsets start at 0 and it has no more keys than records (a group of records, or a pool shard).
 */
function keysGoWhole({ count, keyOffsets }: PackedBatch): boolean {
  return keyOffsets.length - 1 <= count && keyOffsets[0] === 0
}

/** Where picked keys go: columns as a PackedBatch has them, each long enough for what it gets. */
export interface KeyColumns {
  /** keys + 1 offsets, from 0. */
  readonly keyOffsets: Uint32Array
  readonly keyAlgorithms: Uint8Array
  readonly keyBytes: Uint8Array
  /** One entry per picked row: its key's new index. */
  readonly keyIndex: Uint32Array
}

/** What rows [start, end) use: `keys` distinct keys of `keyBytes` bytes in all. */
export interface Picked {
  readonly end: number
  readonly keys: number
  readonly keyBytes: number
  /** The batch's key columns go as they are (see take). */
  readonly whole?: true
}

/** The most keys, and key bytes, that a pick may take. */
export interface KeyLimits {
  readonly keys: number
  readonly keyBytes: number
}

const NO_LIMITS: KeyLimits = { keys: Infinity, keyBytes: Infinity }

/** Key bytes copied by a loop rather than through a view: about two 20-byte keys. */
const SHORT_COPY = 48

/**
 * Picks and copies the keys of row ranges, one range at a time: take() or pick() numbers them,
 * write() copies them and forgets them. Its tables grow to the largest batch seen and are kept, all -1 between ranges.
 */
export class KeyPicker {
  /** The new index of each batch key picked, or -1. */
  private local = new Int32Array(0)
  /** The batch key of each new index, in order of first use. */
  private used = new Uint32Array(0)
  /** The new key index of each row picked, from the range's first. */
  private rowKeys = new Uint32Array(0)

  /**
   * The keys of rows [start, end): the batch's own key columns, whole, when the range is the whole
   * batch and they can go as they are within `limits` (keysGoWhole); else picked (see pick).
   */
  take(batch: PackedBatch, start: number, end: number, limits = NO_LIMITS): Picked {
    const keys = batch.keyOffsets.length - 1
    const keyBytes = batch.keyOffsets[keys]!
    if (start === 0 && end === batch.count && keysGoWhole(batch) && keys <= limits.keys && keyBytes <= limits.keyBytes) {
      return { end, keys, keyBytes, whole: true }
    }
    return this.pick(batch, start, end, limits)
  }

  /**
   * Numbers the keys of rows [start, end) in order of first use, stopping at the first row whose key
   * would pass `limits`: the picked rows are [start, Picked.end).
   */
  pick({ keyIndex, keyOffsets }: PackedBatch, start: number, end: number, limits = NO_LIMITS): Picked {
    const batchKeys = keyOffsets.length - 1
    if (this.local.length < batchKeys) {
      this.local = new Int32Array(batchKeys).fill(-1)
      this.used = new Uint32Array(batchKeys)
    }
    if (this.rowKeys.length < end - start) this.rowKeys = new Uint32Array(end - start)
    const { local, used, rowKeys } = this
    let keys = 0
    let keyBytes = 0
    let r = start
    for (; r < end; r++) {
      const g = keyIndex[r]!
      let k = local[g]!
      if (k < 0) {
        const length = keyOffsets[g + 1]! - keyOffsets[g]!
        if (keys === limits.keys || keyBytes + length > limits.keyBytes) break
        k = local[g] = keys
        used[keys++] = g
        keyBytes += length
      }
      rowKeys[r - start] = k
    }
    return { end: r, keys, keyBytes }
  }

  /**
   * Writes what take() or pick() took for rows [start, picked.end). Whole, the key columns as they
   * are. Picked, the keys back to back, a run of consecutive batch keys in one copy (rows of
   * distinct keys are a single run), and each row's new key index; then the pick is forgotten.
   */
  write(batch: PackedBatch, start: number, picked: Picked, into: KeyColumns): void {
    if (picked.whole) {
      into.keyOffsets.set(batch.keyOffsets)
      into.keyAlgorithms.set(batch.keyAlgorithms)
      into.keyBytes.set(batch.keyBytes.subarray(0, picked.keyBytes))
      into.keyIndex.set(batch.keyIndex)
      return
    }
    const { local, used } = this
    const { keyOffsets, keyAlgorithms, keyBytes } = batch
    const { keyOffsets: offsets, keyAlgorithms: algorithms, keyBytes: bytes, keyIndex } = into
    const keys = picked.keys
    let written = 0
    for (let k = 0; k < keys;) {
      const first = used[k]!
      let last: number
      do {
        last = used[k]!
        offsets[k] = written + keyOffsets[last]! - keyOffsets[first]!
        algorithms[k] = keyAlgorithms[last]!
        k++
      } while (k < keys && used[k] === last + 1)
      const from = keyOffsets[first]!
      const length = keyOffsets[last + 1]! - from
      // A view per copy costs more than a short loop: scattered keys come one or two at a time.
      if (length <= SHORT_COPY) for (let b = 0; b < length; b++) bytes[written + b] = keyBytes[from + b]!
      else bytes.set(keyBytes.subarray(from, from + length), written)
      written += length
    }
    offsets[keys] = written
    keyIndex.set(this.rowKeys.subarray(0, picked.end - start))
    for (let k = 0; k < keys; k++) local[used[k]!] = -1
  }
}

/**
 * The key picker that cuts both pool shards and WASM kernel chunks: a row range's keys numbered in
 * order of first use, copied back to back, stopped at its limits, and forgotten after each range.
 */
import { describe, expect, it } from 'vitest'
import { KeyPicker, type KeyColumns, type Picked } from '../src/kernels/key-picker.js'
import type { AlgorithmId } from '../src/core/kernel.js'
import { pack, rec, type Rec } from './helpers/packed.js'
import { rng } from './helpers/reference.js'

/** Keys of lengths 1, 2, 3, ...: key k is `length` bytes of value k + 1, its algorithm k % 3. */
const keysOfLengths = (lengths: number[]) =>
  lengths.map((length, k) => ({ alg: (k % 3) as AlgorithmId, key: new Uint8Array(length).fill(k + 1) }))

const recordsOf = (keyIndexes: number[]): Rec[] => keyIndexes.map((key, i) => rec(key, BigInt(i), 0, 6))

type Limits = { keys: number; keyBytes: number }

/** Picks (or takes, with `take`) and writes rows [start, end) into fresh columns: the keys as byte arrays, with their algorithms and the rows' new indexes. */
function pickRange(picker: KeyPicker, batch: ReturnType<typeof pack>, start: number, end: number, limits?: Limits, take = false) {
  const picked: Picked = take ? picker.take(batch, start, end, limits) : picker.pick(batch, start, end, limits)
  const into: KeyColumns = {
    keyOffsets: new Uint32Array(picked.keys + 1),
    keyAlgorithms: new Uint8Array(picked.keys),
    keyBytes: new Uint8Array(picked.keyBytes),
    keyIndex: new Uint32Array(picked.end - start),
  }
  picker.write(batch, start, picked, into)
  const keys = Array.from({ length: picked.keys }, (_, k) => Array.from(into.keyBytes.subarray(into.keyOffsets[k], into.keyOffsets[k + 1])))
  return {
    picked,
    keys,
    algorithms: Array.from(into.keyAlgorithms),
    keyIndex: Array.from(into.keyIndex),
    offsets: Array.from(into.keyOffsets),
  }
}

describe('KeyPicker', () => {
  it('numbers the keys a range uses in order of first use, each once, and copies them back to back', () => {
    const batch = pack(keysOfLengths([1, 2, 3, 4, 5]), recordsOf([3, 1, 3, 2, 1, 4]))
    const { picked, keys, algorithms, keyIndex, offsets } = pickRange(new KeyPicker(), batch, 0, 6)
    expect(picked).toEqual({ end: 6, keys: 4, keyBytes: 4 + 2 + 3 + 5 })
    expect(keys).toEqual([
      [4, 4, 4, 4],
      [2, 2],
      [3, 3, 3],
      [5, 5, 5, 5, 5],
    ])
    expect(algorithms).toEqual([0, 1, 2, 1])
    expect(keyIndex).toEqual([0, 1, 0, 2, 1, 3])
    expect(offsets[0]).toBe(0)
  })

  it('re-indexes a range in the middle of a batch, and forgets each range before the next', () => {
    const batch = pack(keysOfLengths([2, 2, 2, 2]), recordsOf([0, 1, 2, 3, 2, 1, 0]))
    const picker = new KeyPicker()
    expect(pickRange(picker, batch, 2, 5)).toMatchObject({
      keys: [
        [3, 3],
        [4, 4],
      ],
      keyIndex: [0, 1, 0],
    })
    expect(pickRange(picker, batch, 4, 7)).toMatchObject({
      keys: [
        [3, 3],
        [2, 2],
        [1, 1],
      ],
      keyIndex: [0, 1, 2],
    })
  })

  it('stops before the first row whose new key would pass the limits', () => {
    const batch = pack(keysOfLengths([4, 4, 4, 4]), recordsOf([0, 1, 0, 2, 1, 3]))
    const byKeys = pickRange(new KeyPicker(), batch, 0, 6, { keys: 2, keyBytes: Infinity })
    expect(byKeys.picked).toEqual({ end: 3, keys: 2, keyBytes: 8 })
    expect(byKeys.keyIndex).toEqual([0, 1, 0])
    const byBytes = pickRange(new KeyPicker(), batch, 0, 6, { keys: Infinity, keyBytes: 11 })
    expect(byBytes.picked).toEqual({ end: 3, keys: 2, keyBytes: 8 })
    // A row whose key is already picked never stops the range.
    const repeat = pickRange(new KeyPicker(), batch, 0, 3, { keys: 2, keyBytes: 8 })
    expect(repeat.picked.end).toBe(3)
  })

  it('gives back every row its own key, on random ranges of random batches', () => {
    const { int } = rng(0x9e7)
    const picker = new KeyPicker()
    for (let trial = 0; trial < 200; trial++) {
      const lengths = Array.from({ length: int(1, 40) }, () => int(1, 70))
      const rows = Array.from({ length: int(1, 100) }, () => int(0, lengths.length - 1))
      const batch = pack(keysOfLengths(lengths), recordsOf(rows))
      const start = int(0, rows.length - 1)
      const end = int(start + 1, rows.length)
      const limits = { keys: int(1, 20), keyBytes: int(70, 570) }
      const { picked, keys, algorithms, keyIndex } = pickRange(picker, batch, start, end, limits)
      expect(picked.end).toBeGreaterThan(start)
      expect(picked.keys).toBeLessThanOrEqual(limits.keys)
      expect(picked.keyBytes).toBeLessThanOrEqual(limits.keyBytes)
      for (let r = start; r < picked.end; r++) {
        const k = keyIndex[r - start]!
        expect(keys[k]).toEqual(Array(lengths[rows[r]!]).fill(rows[r]! + 1))
        expect(algorithms[k]).toBe(rows[r]! % 3)
      }
    }
  })

  it('takes a whole batch whose offsets start at 0, with no more keys than rows, as it is', () => {
    const batch = pack(keysOfLengths([3, 5]), recordsOf([1, 0, 1]))
    const whole = pickRange(new KeyPicker(), batch, 0, 3, undefined, true)
    expect(whole.picked).toEqual({ end: 3, keys: 2, keyBytes: 8, whole: true })
    // As they are: the batch's own key order and indexes, not the order of first use.
    expect(whole).toMatchObject({
      keys: [
        [1, 1, 1],
        [2, 2, 2, 2, 2],
      ],
      algorithms: [0, 1],
      keyIndex: [1, 0, 1],
      offsets: [0, 3, 8],
    })
    // More keys than rows, part of a batch, or past the limits: picked.
    const picker = new KeyPicker()
    const moreKeys = pack(keysOfLengths([3, 5, 7]), recordsOf([1, 0]))
    expect(pickRange(picker, moreKeys, 0, 2, undefined, true).picked).toEqual({ end: 2, keys: 2, keyBytes: 8 })
    expect(pickRange(picker, batch, 1, 3, undefined, true).picked).toEqual({ end: 3, keys: 2, keyBytes: 8 })
    expect(pickRange(picker, batch, 0, 3, { keys: 1, keyBytes: Infinity }, true).picked).toEqual({ end: 1, keys: 1, keyBytes: 5 })
    expect(pickRange(picker, batch, 0, 3, { keys: 2, keyBytes: 7 }, true).picked).toEqual({ end: 1, keys: 1, keyBytes: 5 })
  })
})

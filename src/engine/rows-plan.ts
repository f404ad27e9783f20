/**
 * Cutting a packed batch into row ranges of about equal work: the shards that a pool sends to its
 * workers, and the slices that the in-process executor runs between turns of the event loop.
 */
import type { PackedBatch } from '../core/kernel.js'

/**
 * Work per shard, in HMACs: about 5 ms of one core with SHA-1 (SHA-512 takes three times longer),
 * long enough that a round trip to a worker (about 0.05 ms) costs next to nothing, short enough
 * that the last shard does not keep one core busy alone for long.
 */
export const SHARD_WORK = 1 << 16

/** Rows per shard at most, whatever their windows. */
const SHARD_ROWS = 1 << 16

/** Key bytes per shard at most (counted per row, so keys shared by rows count more than once). */
const SHARD_KEY_BYTES = 8 << 20

/** The HMACs a row costs: one per counter in its window, and about one more for its key's setup. */
function rowWork(batch: PackedBatch, r: number, verify: boolean): number {
  return verify ? batch.behind[r]! + batch.ahead[r]! + 2 : 2
}

/**
 * Cuts rows [0, count) into shards of about `target` work each (see SHARD_WORK), as [start, end)
 * pairs. `work`, the batch's (batchWork), lets a batch that is one shard skip the pass over its rows.
 */
export function planShards(batch: PackedBatch, verify: boolean, target = SHARD_WORK, work = Infinity): Array<[number, number]> {
  if (work <= target && batch.count <= SHARD_ROWS && batch.keyBytes.length <= SHARD_KEY_BYTES) return [[0, batch.count]]
  const shards: Array<[number, number]> = []
  const { keyIndex, keyOffsets } = batch
  let start = 0
  let shardWork = 0
  let bytes = 0
  for (let r = 0; r < batch.count; r++) {
    const k = keyIndex[r]!
    shardWork += rowWork(batch, r, verify)
    bytes += keyOffsets[k + 1]! - keyOffsets[k]!
    if (shardWork >= target || bytes >= SHARD_KEY_BYTES || r + 1 - start === SHARD_ROWS) {
      shards.push([start, r + 1])
      start = r + 1
      shardWork = bytes = 0
    }
  }
  if (start < batch.count) shards.push([start, batch.count])
  return shards
}

/**
 * A piece of rows from `start`: at least one row, and rows up to about `work` HMACs. Answers where
 * it ends, and its work.
 */
export function rowsWithin(batch: PackedBatch, start: number, verify: boolean, work: number): [end: number, work: number] {
  if (!verify) {
    const end = Math.min(batch.count, start + Math.max(1, Math.floor(work / 2)))
    return [end, 2 * (end - start)]
  }
  let end = start
  let sum = 0
  while (end < batch.count) {
    const row = rowWork(batch, end, true)
    if (end > start && sum + row > work) break
    sum += row
    end++
  }
  return [end, sum]
}

/** The total work of a batch, in HMACs (see SHARD_WORK). */
export function batchWork(batch: PackedBatch, verify: boolean): number {
  if (!verify) return 2 * batch.count
  let work = 0
  for (let r = 0; r < batch.count; r++) work += rowWork(batch, r, true)
  return work
}

/** The rows [start, end) of a batch as a batch of their own, over the same keys (no copy). */
export function sliceRows(batch: PackedBatch, start: number, end: number): PackedBatch {
  return {
    count: end - start,
    keyBytes: batch.keyBytes,
    keyOffsets: batch.keyOffsets,
    keyAlgorithms: batch.keyAlgorithms,
    keyIndex: batch.keyIndex.subarray(start, end),
    counterHi: batch.counterHi.subarray(start, end),
    counterLo: batch.counterLo.subarray(start, end),
    code: batch.code.subarray(start, end),
    digits: batch.digits.subarray(start, end),
    behind: batch.behind.subarray(start, end),
    ahead: batch.ahead.subarray(start, end),
  }
}

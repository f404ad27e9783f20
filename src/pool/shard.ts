/**
 * Shards: a contiguous row range of a PackedBatch and only the keys it uses, copied into ONE fresh
 * ArrayBuffer that is moved (transferred) to a worker, never cloned. The worker rebuilds the
 * typed-array views over it; the calling thread keeps its own batch, so a shard can be cut again.
 * The worker writes the results into the buffer, wipes its keys, and moves it back, where a
 * BufferBank keeps it for a later shard: no buffer is allocated per shard once a batch is under way.
 *
 * Layout, in this order (uint32 columns first, so that every one is 4-byte aligned):
 *
 * | column        | type   | length   |
 * | ------------- | ------ | -------- |
 * | out           | uint32 | rows     |  (the results: the worker writes them and moves the buffer back)
 * | keyOffsets    | uint32 | keys + 1 |
 * | keyIndex      | uint32 | rows     |  (re-indexed to the shard's own keys)
 * | counterHi/Lo  | uint32 | rows     |
 * | code          | uint32 | rows     |  (verify shards only, as are behind and ahead)
 * | behind, ahead | uint32 | rows     |
 * | keyAlgorithms | uint8  | keys     |
 * | digits        | uint8  | rows     |
 * | keyBytes      | uint8  | keyBytes |
 */
import type { PackedBatch } from '../core/kernel.js'
import type { KeyColumns, KeyPicker } from '../kernels/key-picker.js'

/** What a shard's buffer holds; travels beside it as plain integers. */
export interface ShardShape {
  readonly rows: number
  readonly keys: number
  readonly keyBytes: number
  /** Whether the code, behind and ahead columns are there (verify), or not (generate). */
  readonly verify: boolean
}

interface Layout {
  readonly bytes: number
  readonly out: number
  readonly keyOffsets: number
  readonly keyIndex: number
  readonly counterHi: number
  readonly counterLo: number
  readonly code: number
  readonly behind: number
  readonly ahead: number
  readonly keyAlgorithms: number
  readonly digits: number
  readonly keyBytes: number
}

function layout({ rows, keys, keyBytes, verify }: ShardShape): Layout {
  let at = 0
  const take = (bytes: number): number => ((at += bytes), at - bytes)
  const out = take(4 * rows)
  const keyOffsets = take(4 * (keys + 1))
  const keyIndex = take(4 * rows)
  const counterHi = take(4 * rows)
  const counterLo = take(4 * rows)
  const code = take(verify ? 4 * rows : 0)
  const behind = take(verify ? 4 * rows : 0)
  const ahead = take(verify ? 4 * rows : 0)
  const keyAlgorithms = take(keys)
  const digits = take(rows)
  return {
    out,
    keyOffsets,
    keyIndex,
    counterHi,
    counterLo,
    code,
    behind,
    ahead,
    keyAlgorithms,
    digits,
    keyBytes: take(keyBytes),
    bytes: at,
  }
}

/**
 * Copies rows [start, end) of `batch` with the keys they use into one buffer from `bank`; `keys`
 * takes them (a batch that is a shard whole, as a group of records is, keeps its own).
 * `verify` false leaves out the columns only verification reads.
 */
export function encodeShard(
  batch: PackedBatch,
  start: number,
  end: number,
  verify: boolean,
  bank: BufferBank,
  keys: KeyPicker,
): { shape: ShardShape; buffer: ArrayBuffer } {
  const picked = keys.take(batch, start, end)
  const shape: ShardShape = { rows: end - start, keys: picked.keys, keyBytes: picked.keyBytes, verify }
  const at = layout(shape)
  const buffer = bank.take(at.bytes)
  const u32 = (offset: number, length: number) => new Uint32Array(buffer, offset, length)
  const u8 = (offset: number, length: number) => new Uint8Array(buffer, offset, length)
  const into: KeyColumns = {
    keyOffsets: u32(at.keyOffsets, shape.keys + 1),
    keyAlgorithms: u8(at.keyAlgorithms, shape.keys),
    keyBytes: u8(at.keyBytes, shape.keyBytes),
    keyIndex: u32(at.keyIndex, shape.rows),
  }
  keys.write(batch, start, picked, into)
  u32(at.counterHi, shape.rows).set(batch.counterHi.subarray(start, end))
  u32(at.counterLo, shape.rows).set(batch.counterLo.subarray(start, end))
  u8(at.digits, shape.rows).set(batch.digits.subarray(start, end))
  if (verify) {
    u32(at.code, shape.rows).set(batch.code.subarray(start, end))
    u32(at.behind, shape.rows).set(batch.behind.subarray(start, end))
    u32(at.ahead, shape.rows).set(batch.ahead.subarray(start, end))
  }
  return { shape, buffer }
}

/** The result column of a shard's buffer: Int32 deltas (verify) or Uint32 codes (generate). */
export function shardResults(shape: ShardShape, buffer: ArrayBuffer): Int32Array | Uint32Array {
  return shape.verify ? new Int32Array(buffer, 0, shape.rows) : new Uint32Array(buffer, 0, shape.rows)
}

/**
 * Buffers that came back from the workers, kept for the next shards. A few suffice: shards in
 * flight are bounded, and those of one batch are about the same size.
 */
export class BufferBank {
  private readonly kept: ArrayBuffer[] = []
  constructor(private readonly most: number) {}

  /** A buffer of at least `bytes`: a kept one not more than twice as big, or a new one. */
  take(bytes: number): ArrayBuffer {
    const i = this.kept.findIndex((b) => b.byteLength >= bytes && b.byteLength <= 2 * bytes)
    return i < 0 ? new ArrayBuffer(bytes) : this.kept.splice(i, 1)[0]!
  }

  /** Keeps a buffer back from a worker (its keys already wiped there). */
  give(buffer: ArrayBuffer): void {
    if (this.kept.length === this.most) this.kept.shift()
    this.kept.push(buffer)
  }
}

/** The PackedBatch over a shard's buffer (in the worker). A generate shard reads zeros for the verify columns. */
export function decodeShard(shape: ShardShape, buffer: ArrayBuffer): PackedBatch {
  const at = layout(shape)
  const { rows, keys } = shape
  const zeros = shape.verify ? undefined : new Uint32Array(rows)
  const u32 = (offset: number, length: number) => zeros ?? new Uint32Array(buffer, offset, length)
  return {
    count: rows,
    keyBytes: new Uint8Array(buffer, at.keyBytes, shape.keyBytes),
    keyOffsets: new Uint32Array(buffer, at.keyOffsets, keys + 1),
    keyAlgorithms: new Uint8Array(buffer, at.keyAlgorithms, keys),
    keyIndex: new Uint32Array(buffer, at.keyIndex, rows),
    counterHi: new Uint32Array(buffer, at.counterHi, rows),
    counterLo: new Uint32Array(buffer, at.counterLo, rows),
    code: u32(at.code, rows),
    digits: new Uint8Array(buffer, at.digits, rows),
    behind: u32(at.behind, rows),
    ahead: u32(at.ahead, rows),
  }
}

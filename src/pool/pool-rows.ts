/**
 * A batch across the workers: its rows are cut into shards (src/pool/shard.ts), each shard's buffer
 * is moved to a worker, and each result column is written back at its shard's place, so results
 * come back in row order whichever worker finishes first.
 */
import { KeyPicker } from '../kernels/key-picker.js'
import { OtpError } from '../core/errors.js'
import type { PackedBatch } from '../core/kernel.js'
import type { Cancel } from '../engine/abort.js'
import type { RowFailure, Rows, RowsKind } from '../engine/executor.js'
import { forEachLimited } from '../engine/flight.js'
import type { WorkerPool } from './pool.js'
import { isCut, newCutoff } from './protocol.js'
import { encodeShard, shardResults, type BufferBank, type ShardShape } from './shard.js'

/**
 * Verifies or generates `batch` on the pool's workers, cut into `shards` (planShards), with at most
 * two per worker in flight (one running, one waiting), so that shards are copied out only as
 * workers can take them.
 */
export function poolRows(
  pool: WorkerPool,
  bank: BufferBank,
  kind: RowsKind,
  batch: PackedBatch,
  shards: ReadonlyArray<readonly [number, number]>,
  cancel?: Cancel,
): Promise<Rows> {
  const verify = kind === 'verify'
  const values = verify ? new Int32Array(batch.count) : new Uint32Array(batch.count)
  const failed: RowFailure[] = []
  const cutoff = newCutoff()
  const keys = new KeyPicker()

  const runShard = async (index: number): Promise<void> => {
    const [start, end] = shards[index]!
    let shape: ShardShape | undefined
    try {
      const answer = await pool.run(
        kind,
        () => {
          const shard = encodeShard(batch, start, end, verify, bank, keys)
          shape = shard.shape
          return { task: { kind, index, cutoff, shape, buffer: shard.buffer }, transfer: [shard.buffer] }
        },
        () => isCut(cutoff, index),
      )
      if (answer instanceof ArrayBuffer) {
        values.set(shardResults(shape!, answer), start)
        bank.give(answer)
      }
    } catch (error) {
      if (!(error instanceof OtpError) || error.code !== 'WORKER_FAILED') throw error
      failed.push({ start, end, error })
    }
  }

  const all = async (): Promise<Rows> => {
    await forEachLimited(shards.length, 2 * pool.threads, runShard)
    return { values, failed }
  }
  return cancel ? cancel.race(all, () => Atomics.store(cutoff, 0, -1)) : all()
}

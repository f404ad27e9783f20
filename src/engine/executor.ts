/**
 * Executors run the two heavy operations of an engine, kernel batches and resync scans, either in
 * the calling thread or across the worker pool. The engine (src/pool/engine-api.ts) sees only this
 * interface, so both kinds of engine share every line above it.
 */
import { counterChunks } from '../core/counter-chunks.js'
import type { OtpError } from '../core/errors.js'
import type { Kernel, PackedBatch } from '../core/kernel.js'
import type { ResyncScan } from '../core/otp.js'
import { yieldTurn, type Cancel } from './abort.js'
import { batchWork, planShards, sliceRows, SHARD_WORK } from './rows-plan.js'

export type RowsKind = 'verify' | 'generate'

/** A batch's result rows (Int32 deltas or Uint32 codes), and the row ranges no worker could compute. */
export interface Rows {
  readonly values: Int32Array | Uint32Array
  readonly failed: ReadonlyArray<RowFailure>
}

/** Rows [start, end) were lost twice to failing workers: each of their records gets `error`. */
export interface RowFailure {
  readonly start: number
  readonly end: number
  readonly error: OtpError
}

/** What Kernel.scan takes: the smallest offset in [0, count) where `codes` follow one another. */
export type ScanRequest = ResyncScan

export interface Executor {
  /** 1 in process, else the pool's workers. */
  readonly threads: number
  /**
   * Verifies or generates every row of `batch`, cut for `spread` workers at most (default all): a
   * caller with other batches in flight asks for fewer, since those keep the other workers busy.
   * Rejects with OtpError('ABORTED') when `cancel` aborts.
   */
  rows(kind: RowsKind, batch: PackedBatch, cancel?: Cancel, spread?: number): Promise<Rows>
  /** Kernel.scan, perhaps split: the earliest offset, or -1. */
  scan(request: ScanRequest, cancel?: Cancel): Promise<number>
  /** Ends the workers, if any, once their tasks are done. */
  close(): Promise<void>
}

/** Counters the calling thread scans between two looks for an abort (about 0.1 s). */
const COUNTERS_PER_TURN = 1 << 20

/**
 * Batch work the calling thread runs at once, without a turn of the event loop first: a quarter of
 * a shard, about a millisecond. A call's groups are each about a shard, so a large call gets a turn
 * per group.
 */
const WORK_WITHOUT_TURN = SHARD_WORK / 4

/**
 * Runs everything on `kernel` in the calling thread. Work of more than a millisecond goes in pieces
 * of at most a few shards, yielding to the event loop before each, so that an abort (a timer, say)
 * can land.
 */
export function inProcessExecutor(kernel: Kernel): Executor {
  function runRows(kind: RowsKind, batch: PackedBatch, out: Int32Array | Uint32Array): void {
    if (kind === 'verify') kernel.verifyBatch(batch, out as Int32Array)
    else kernel.generateBatch(batch, out as Uint32Array)
  }
  return {
    threads: 1,
    async rows(kind, batch, cancel) {
      cancel?.throwIfAborted()
      const values = kind === 'verify' ? new Int32Array(batch.count) : new Uint32Array(batch.count)
      const verify = kind === 'verify'
      const work = batchWork(batch, verify)
      if (work < WORK_WITHOUT_TURN) runRows(kind, batch, values)
      else {
        for (const [start, end] of planShards(batch, verify, SHARD_WORK * 4, work)) {
          await yieldTurn()
          cancel?.throwIfAborted()
          runRows(kind, sliceRows(batch, start, end), values.subarray(start, end))
        }
      }
      return { values, failed: [] }
    },
    async scan({ alg, key, hi, lo, count, codes, digits }, cancel) {
      cancel?.throwIfAborted()
      if (count <= COUNTERS_PER_TURN) return kernel.scan(alg, key, hi, lo, count, codes, digits)
      for (const chunk of counterChunks(hi, lo, count, COUNTERS_PER_TURN)) {
        await yieldTurn()
        cancel?.throwIfAborted()
        const found = kernel.scan(alg, key, chunk.hi, chunk.lo, chunk.n, codes, digits)
        if (found >= 0) return chunk.offset + found
      }
      return -1
    },
    async close() {},
  }
}

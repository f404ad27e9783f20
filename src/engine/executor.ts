/**
 * Executors run the two heavy operations of an engine, kernel batches and resync scans, either in
 * the calling thread or across the worker pool. The engine (src/pool/engine-api.ts) sees only this
 * interface, so both kinds of engine share every line above it.
 */
import { counterChunks } from '../core/counter-chunks.js'
import { OtpError } from '../core/errors.js'
import type { Kernel, PackedBatch } from '../core/kernel.js'
import type { ResyncScan } from '../core/otp.js'
import { yieldTurn, type Cancel } from './abort.js'
import { Pacer, stretch } from './pace.js'
import { rowsWithin, sliceRows, SHARD_WORK } from './rows-plan.js'

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

/** Counters in the first piece of a scan: a few milliseconds even for the JS kernel's SHA-512. */
const FIRST_COUNTERS = 2048

/** Counters per piece at most, however fast the kernel. */
const MOST_COUNTERS = 1 << 22

/** Batch work (HMACs) in the first piece of a batch: a few milliseconds even for the JS kernel's SHA-512. */
const FIRST_WORK = 2048

/**
 * Runs everything on `kernel` in the calling thread. Long work goes in pieces of about PIECE_MS
 * each (see Pacer), with a turn of the event loop before a piece once the thread has worked PIECE_MS
 * without one (see stretch), so that an abort (a timer, say) lands within about twice that on every
 * kernel, however the work is cut into calls.
 */
export function inProcessExecutor(kernel: Kernel): Executor {
  const rowsPace = new Pacer(FIRST_WORK, SHARD_WORK * 4)
  const scanPace = new Pacer(FIRST_COUNTERS, MOST_COUNTERS)
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
      for (let start = 0; start < batch.count;) {
        await turnIfDue(cancel)
        const [end, work] = rowsWithin(batch, start, verify, rowsPace.next())
        if (!(end > start)) throw noProgress('rows')
        const whole = start === 0 && end === batch.count
        rowsPace.run(work, () => runRows(kind, whole ? batch : sliceRows(batch, start, end), whole ? values : values.subarray(start, end)))
        start = end
      }
      return { values, failed: [] }
    },
    async scan({ alg, key, hi, lo, count, codes, digits }, cancel) {
      cancel?.throwIfAborted()
      for (const chunk of counterChunks(hi, lo, count, () => scanPace.next())) {
        await turnIfDue(cancel)
        const found = scanPace.run(chunk.n, () => kernel.scan(alg, key, chunk.hi, chunk.lo, chunk.n, codes, digits))
        if (found >= 0) return chunk.offset + found
      }
      return -1
    },
    async close() {},
  }
}

/**
 * Before a piece: a turn of the event loop when this thread has worked PIECE_MS since its last one
 * (see stretch), then a look for an abort.
 */
async function turnIfDue(cancel: Cancel | undefined): Promise<void> {
  if (stretch.due()) await yieldTurn()
  cancel?.throwIfAborted()
}

/** A loop that cuts work into pieces made none: a broken invariant, thrown rather than spun on. */
function noProgress(what: string): OtpError {
  return new OtpError('INTERNAL', `the ${what} loop made no progress (a piece of no work)`)
}

/**
 * The executor over the worker pool. Work below the crossovers stays in the calling thread, where a
 * round trip to a worker would cost more than it saves.
 */
import type { Kernel } from '../kernel.js'
import { inProcessExecutor, type Executor } from './executor.js'
import type { WorkerPool } from './pool.js'
import { poolRows } from './pool-rows.js'
import { poolScan } from './pool-scan.js'
import { BufferBank, batchWork } from './shard.js'

/**
 * Batch work (HMACs, see SHARD_WORK) from which the pool is faster than the calling thread:
 * about 500 TOTP records with a window of 1 (measured with bench/crossover.js).
 */
export const ROWS_CROSSOVER = 2048

/** Counters from which a resync scan goes to the pool (measured likewise). */
export const SCAN_CROSSOVER = 1 << 16

/** Runs on `pool`, and on `kernel` in the calling thread below the crossovers. */
export function poolExecutor(kernel: Kernel, pool: WorkerPool): Executor {
  const local = inProcessExecutor(kernel)
  const bank = new BufferBank(4 * pool.threads)
  return {
    threads: pool.threads,
    rows(kind, batch, signal) {
      const work = batchWork(batch, kind === 'verify')
      return work < ROWS_CROSSOVER ? local.rows(kind, batch, signal) : poolRows(pool, bank, kind, batch, work, signal)
    },
    scan(request, signal) {
      return request.count < SCAN_CROSSOVER ? local.scan(request, signal) : poolScan(pool, request, signal)
    },
    close: () => pool.close(),
  }
}

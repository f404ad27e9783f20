/**
 * The executor over the worker pool. Work below the crossovers stays in the calling thread, where a
 * round trip to a worker would cost more than it saves.
 */
import type { Kernel } from '../core/kernel.js'
import { inProcessExecutor, type Executor } from '../engine/executor.js'
import type { WorkerPool } from './pool.js'
import { poolRows } from './pool-rows.js'
import { poolScan } from './pool-scan.js'
import { SHARD_WORK, batchWork, planShards } from '../engine/rows-plan.js'
import { BufferBank } from './shard.js'

/**
 * Batch work (HMACs, see SHARD_WORK) from which the pool beats the calling thread: about 2,000
 * window-1 TOTP records. A shard's round trip costs about 0.2 ms, and the calling thread packs every
 * record either way, so the workers only save half the kernel's part (about 0.2 us a record on two
 * threads). Measured on two cores.
 */
export const ROWS_CROSSOVER = 8192

/** Counters from which a resync scan goes to the pool: below it, one thread scans them in about 6 ms. */
export const SCAN_CROSSOVER = 1 << 16

/** Runs on `pool`, and on `kernel` in the calling thread below the crossovers. */
export function poolExecutor(kernel: Kernel, pool: WorkerPool): Executor {
  const local = inProcessExecutor(kernel)
  const bank = new BufferBank(4 * pool.threads)
  return {
    threads: pool.threads,
    rows(kind, batch, cancel, spread = pool.threads) {
      const verify = kind === 'verify'
      const work = batchWork(batch, verify)
      if (work < ROWS_CROSSOVER) return local.rows(kind, batch, cancel)
      const target = Math.min(SHARD_WORK, Math.ceil(work / Math.min(spread, pool.threads)))
      return poolRows(pool, bank, kind, batch, planShards(batch, verify, target, work), cancel)
    },
    scan(request, cancel) {
      return request.count < SCAN_CROSSOVER ? local.scan(request, cancel) : poolScan(pool, request, cancel)
    },
    close: () => pool.close(),
  }
}

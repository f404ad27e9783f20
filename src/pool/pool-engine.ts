/**
 * An Engine whose batches and scans run on a pool of worker threads (Node only). Loaded by
 * createEngine only when more than one thread is asked for, so that one code never loads Piscina.
 */
import type { Kernel } from '../core/kernel.js'
import type { Engine } from '../engine/engine.js'
import { engineOver } from '../engine/engine-over.js'
import { poolExecutor } from './pool-executor.js'
import { WorkerPool, type PoolHooks } from './pool.js'

/**
 * An engine over a pool of `threads` workers; `hooks` are internal, for tests only. The workers load
 * the JS kernel where `kernel` is JS, else the best WASM build (all kernels agree bit for bit).
 */
export function poolEngine(kernel: Kernel, threads: number, hooks?: PoolHooks): Engine {
  const pool = new WorkerPool(threads, kernel.backend === 'js' ? 'js' : 'wasm', hooks)
  return engineOver(kernel, poolExecutor(kernel, pool))
}

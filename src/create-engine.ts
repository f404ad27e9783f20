/**
 * createEngine for Node: in the calling thread, or over a pool of worker threads. The engine's modules
 * load with the first engine, and the pool's (Piscina, worker_threads) only with one of more than one
 * thread: a process that computes one code loads neither, nor even node:os (a third of a millisecond
 * of its cold start).
 */
import { OtpError, describe } from './core/errors.js'
import type { Engine, EngineOptions } from './engine/engine.js'
import { checkBackendChoice, loadKernel } from './kernels/select.js'
import { checkOptions } from './core/validate.js'

/** One thread per core the process may use. */
function defaultThreads(): number {
  const os = process.getBuiltinModule('node:os') as typeof import('node:os')
  return os.availableParallelism()
}

/**
 * Creates an engine with an explicit backend. `backend: 'wasm'` rejects with
 * OtpError('WASM_UNAVAILABLE') where WASM cannot run; 'auto' falls back to JS and says so in `backend`.
 */
export async function createEngine(engineOptions?: EngineOptions): Promise<Engine> {
  const options = checkOptions(engineOptions, 'createEngine', ['backend', 'threads'])
  const choice = checkBackendChoice(options.backend ?? 'auto')
  const threads = options.threads ?? defaultThreads()
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new OtpError('INVALID_OPTIONS', `threads must be a whole number from 1 to 1024, got ${describe(threads)}`)
  }
  const kernel = loadKernel(choice)
  if (threads === 1) {
    const { inProcessEngine } = await import('./engine/engine-over.js')
    return inProcessEngine(kernel)
  }
  const { poolEngine } = await import('./pool/pool-engine.js')
  return poolEngine(kernel, threads)
}

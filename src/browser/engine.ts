/**
 * createEngine for browsers: the same Engine as in Node, computing in the calling thread (a page's
 * main thread or a Web Worker). Worker threads are Node's (Piscina), so `threads` above 1 is refused
 * rather than silently ignored: a caller asking for parallelism should learn that it has none here.
 */
import { OtpError, describe } from '../core/errors.js'
import type { Engine } from '../engine/engine.js'
import { checkOptions } from '../core/validate.js'
import { checkBackendChoice, type BackendChoice } from '../kernels/select.js'
import { engineOver } from '../engine/engine-over.js'
import { inProcessExecutor } from '../engine/executor.js'
import { loadKernel } from './load.js'

/** Options of the browser's createEngine. */
export interface EngineOptions {
  /** 'auto' (default): WASM, or JS where WASM cannot run. 'wasm' fails rather than fall back. */
  backend?: BackendChoice
  /** 1, the default and the only choice in a browser: everything runs in the calling thread. */
  threads?: number
  /**
   * false: the scalar WASM build even where the browser has WASM SIMD, to compare the two.
   * Default true: SIMD where it runs.
   */
  simd?: boolean
}

/**
 * Loads a kernel (asynchronously: the WASM file is fetched and compiled off the main thread's
 * critical path) and returns an engine over it; `engine.backend` says which kernel it got.
 * @throws OtpError('WASM_UNAVAILABLE') for `backend: 'wasm'` where WASM cannot run (no WebAssembly,
 * or a Content-Security-Policy without 'wasm-unsafe-eval'); OtpError('INVALID_OPTIONS') for bad
 * options, and for `threads` above 1.
 */
export async function createEngine(engineOptions?: EngineOptions): Promise<Engine> {
  const options = checkOptions(engineOptions, 'createEngine', ['backend', 'threads', 'simd'])
  const choice = checkBackendChoice(options.backend ?? 'auto')
  const threads = options.threads ?? 1
  if (threads !== 1) {
    throw new OtpError(
      'INVALID_OPTIONS',
      `threads must be 1 in a browser (worker threads are Node's; run the engine in a Web Worker instead), got ${describe(threads)}`,
    )
  }
  const simd = options.simd ?? true
  if (typeof simd !== 'boolean') {
    throw new OtpError('INVALID_OPTIONS', `simd must be a boolean, got ${describe(simd)}`)
  }
  const kernel = await loadKernel(choice, { simd })
  return engineOver(kernel, inProcessExecutor(kernel))
}

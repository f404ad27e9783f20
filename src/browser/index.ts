/**
 * otp-wasm for browsers: the public API of the Node entry (src/index.ts), over a WASM kernel that is
 * fetched and compiled asynchronously, since browsers do not compile a module above 4 KB
 * synchronously on the main thread.
 *
 * The module-level functions work at once, on the JS kernel, and move to WASM as soon as `ready`
 * resolves; their answers are the same on both. `createEngine()` waits for the WASM kernel itself.
 * Under a Content-Security-Policy without 'wasm-unsafe-eval' everything runs on the JS kernel.
 *
 * Left out, because they need Node: worker threads (`threads` must be 1), `qrTerminal` and `qrPng`
 * (the qrcode package draws only SVG in browsers), and `createVerifier` with its stores (sealing
 * through node:crypto, SQLite, Redis: server-side state).
 */
import type { Backend, Kernel } from '../core/kernel.js'
import { createJsKernel } from '../kernels/js.js'
import { loadKernel } from './load.js'
import { useModuleKernel } from '../kernels/module-kernel.js'

export * from '../api.js'
export { createEngine, type EngineOptions } from './engine.js'

let kernel: Kernel = createJsKernel()
// The module-level functions and token objects: the JS kernel at first, WASM once it has loaded.
useModuleKernel(() => kernel)

/**
 * Resolves, never rejects, once the module-level functions have their final kernel: the backend
 * they then use ('wasm-simd', 'wasm', or 'js' where no WASM build loads). The load starts when this
 * module is imported.
 */
export const ready: Promise<Backend> = loadKernel('auto').then(
  (loaded) => {
    kernel = loaded
    return loaded.backend
  },
  // 'auto' only fails on an unexpected error; the JS kernel keeps answering, and correctly.
  () => kernel.backend,
)

/**
 * Which kernel the module-level functions and the token objects compute on. They ask at each call
 * rather than keeping one, so that the browser entry can move them all from the JS kernel to WASM
 * once `ready` resolves; a prepared key has one layout on every kernel, so an object prepared on one
 * is used on any other. In Node it is the default kernel (WASM where it loads, else JS).
 */
import type { Kernel } from '../core/kernel.js'
import { defaultKernel } from './select.js'

let source: () => Kernel = defaultKernel

/** The kernel for the next call of a module-level function or a token object. */
export function moduleKernel(): Kernel {
  return source()
}

/**
 * Sets where the module-level functions and token objects take their kernel from (an entry's
 * kernel; a test's backend). Returns the previous source, to restore.
 */
export function useModuleKernel(next: () => Kernel): () => Kernel {
  const previous = source
  source = next
  return previous
}

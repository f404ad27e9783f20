/**
 * Which kernel the token objects compute on. An object asks at each call rather than keeping one, so
 * that the browser entry can move every object from the JS kernel to WASM once `ready` resolves; a
 * prepared key has one layout on every kernel, so an object prepared on one is used on any other.
 */
import type { Kernel } from '../core/kernel.js'
import { defaultKernel } from '../kernels/select.js'

let source: () => Kernel = defaultKernel

/** The kernel for the next call of a token object. */
export function tokenKernel(): Kernel {
  return source()
}

/**
 * Sets where token objects take their kernel from (an entry's default kernel; a test's backend).
 * Returns the previous source, to restore.
 */
export function useTokenKernel(next: () => Kernel): () => Kernel {
  const previous = source
  source = next
  return previous
}

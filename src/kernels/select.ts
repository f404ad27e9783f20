/**
 * Picks the kernel: WASM where it compiles and instantiates, else the JS kernel over @noble/hashes.
 */
import { OtpError } from '../core/errors.js'
import type { Kernel } from '../core/kernel.js'
import { createJsKernel } from './js.js'
import { createWasmKernel } from './wasm.js'
import { loadWasmModuleSync, type WasmFlavor } from './wasm-load.js'

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

/** The WASM builds, best first: the SIMD build where the runtime has SIMD, else the scalar one. */
const WASM_FLAVORS: readonly WasmFlavor[] = ['wasm-simd', 'wasm']

/** The best WASM kernel that compiles and instantiates here; else the scalar build's failure. */
function loadWasmKernel(): Kernel {
  let failure: unknown
  for (const flavor of WASM_FLAVORS) {
    try {
      return createWasmKernel(loadWasmModuleSync(flavor), flavor)
    } catch (error) {
      if (!(error instanceof OtpError) || error.code !== 'WASM_UNAVAILABLE') throw error
      failure = error
    }
  }
  throw failure
}

/** Loads a kernel synchronously (Node reads the WASM file from disk). */
export function loadKernel(choice: BackendChoice): Kernel {
  if (choice === 'js') return createJsKernel()
  if (choice === 'wasm') return loadWasmKernel()
  try {
    return loadWasmKernel()
  } catch (error) {
    if (error instanceof OtpError && error.code === 'WASM_UNAVAILABLE') return createJsKernel()
    throw error
  }
}

let chosen: Kernel | undefined

/** The kernel behind the module-level functions, loaded on first use. */
export function defaultKernel(): Kernel {
  return (chosen ??= loadKernel('auto'))
}

/**
 * Loads a kernel in a browser, where a module above 4 KB cannot be compiled synchronously on the
 * main thread: the WASM build comes from the entry's source (fetched from next to the script, or
 * embedded in it: src/browser/wasm-source.ts) and is compiled asynchronously, once per page (or
 * worker) and build.
 *
 * `backend: 'auto'` falls back to the JS kernel when no build loads, and says so once per page with
 * console.warn: the answers stay right, but a page that meant to run WASM (a bundler that dropped
 * the .wasm files, a host serving its index.html in their place, a strict policy) should learn why
 * it runs several times slower.
 */
import { OtpError } from '../core/errors.js'
import type { Kernel } from '../core/kernel.js'
import type { BackendChoice } from '../kernels/select.js'
import { createJsKernel } from '../kernels/js.js'
import { createWasmKernel } from '../kernels/wasm.js'
import type { WasmFlavor } from '../kernels/wasm-load.js'
import { entrySource, type WasmSource } from './wasm-source.js'

/** How to pick a WASM build. */
export interface WasmPreference {
  /** false: the scalar build even where the browser has SIMD (to compare the two). Default true. */
  simd?: boolean
}

/**
 * The smallest module that uses a v128 instruction: validating it tells whether this browser has
 * WASM SIMD before 120 KB are fetched for nothing. Validation compiles no code, so a CSP does not
 * block it.
 */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
])

function hasSimd(): boolean {
  try {
    return WebAssembly.validate(SIMD_PROBE)
  } catch {
    return false
  }
}

// Compiled modules; a failed load is forgotten, so that a later call may retry (a network error).
const modules = new Map<WasmFlavor, Promise<WebAssembly.Module>>()

function compiled(flavor: WasmFlavor): Promise<WebAssembly.Module> {
  let module = modules.get(flavor)
  if (!module) {
    module = entrySource.then((source) => source.compile(flavor))
    modules.set(flavor, module)
    module.catch(() => modules.delete(flavor))
  }
  return module
}

/**
 * The best WASM kernel that loads here: SIMD where the browser has it (unless `simd: false`), else
 * scalar. Each call makes a new instance, with its own memory, of a module compiled once.
 * @throws OtpError('WASM_UNAVAILABLE') with the scalar build's failure when none loads (no
 * WebAssembly, a CSP without 'wasm-unsafe-eval', the file missing).
 */
export async function loadWasmKernel(preference: WasmPreference = {}): Promise<Kernel> {
  if (typeof WebAssembly !== 'object') {
    throw new OtpError('WASM_UNAVAILABLE', 'cannot run the WASM kernel (no WebAssembly here)')
  }
  const flavors: WasmFlavor[] = preference.simd !== false && hasSimd() ? ['wasm-simd', 'wasm'] : ['wasm']
  let failure: unknown
  for (const flavor of flavors) {
    try {
      return createWasmKernel(await compiled(flavor), flavor)
    } catch (error) {
      if (!(error instanceof OtpError) || error.code !== 'WASM_UNAVAILABLE') throw error
      failure = error
    }
  }
  throw failure
}

let warned = false

/**
 * Tells the developer, once per page, that 'auto' fell back to JS and why. Not where there is no
 * WebAssembly at all: nothing can be done about that.
 */
function warnFallback(error: OtpError, source: WasmSource): void {
  if (warned || typeof WebAssembly !== 'object') return
  warned = true
  const cause = error.cause === undefined ? '' : ` (${String(error.cause)})`
  console.warn(
    `otp-wasm: ${error.message}${cause}; running on the JS kernel, which gives the same codes several times slower. ` +
      `To load the WASM: ${source.remedy}.`,
  )
}

/** A kernel for a backend choice: 'auto' falls back to the JS kernel, with a warning, when no WASM build loads. */
export async function loadKernel(choice: BackendChoice, preference: WasmPreference = {}): Promise<Kernel> {
  if (choice === 'js') return createJsKernel()
  if (choice === 'wasm') return loadWasmKernel(preference)
  try {
    return await loadWasmKernel(preference)
  } catch (error) {
    if (!(error instanceof OtpError) || error.code !== 'WASM_UNAVAILABLE') throw error
    warnFallback(error, await entrySource)
    return createJsKernel()
  }
}

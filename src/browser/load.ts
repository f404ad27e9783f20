/**
 * Loads a kernel in a browser, where a module above 4 KB cannot be compiled synchronously on the
 * main thread: the WASM files are fetched from next to this module and compiled asynchronously,
 * once per page (or worker) and build. Unlike Node's loader (src/engine/wasm-load.ts), which reads a
 * whole file before compiling it, a build served as application/wasm compiles while it downloads.
 *
 * The files are fetched, not embedded: 270 KB of WASM as base64 would be 360 KB more script to parse
 * on every load, even for pages whose Content-Security-Policy forbids WASM and that only ever run the
 * JS kernel. `new URL('./x.wasm', import.meta.url)` with a literal path is the form that bundlers
 * (Vite, webpack 5, Parcel) recognise and copy along with the script.
 */
import { OtpError } from '../core/errors.js'
import type { Kernel } from '../core/kernel.js'
import type { BackendChoice } from '../kernels/select.js'
import { createJsKernel } from '../kernels/js.js'
import { createWasmKernel } from '../kernels/wasm.js'
import type { WasmFlavor } from '../kernels/wasm-load.js'

/** How to pick a WASM build. */
export interface WasmPreference {
  /** false: the scalar build even where the browser has SIMD (to compare the two). Default true. */
  simd?: boolean
}

/** Where each build lives: literal paths, so that bundlers find them. */
function wasmFile(flavor: WasmFlavor): URL {
  return flavor === 'wasm-simd' ? new URL('./otp-simd.wasm', import.meta.url) : new URL('./otp.wasm', import.meta.url)
}

/**
 * The smallest module that uses a v128 instruction: validating it tells whether this browser has
 * WASM SIMD before 200 KB are fetched for nothing. Validation compiles no code, so a CSP does not
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

/**
 * Fetches and compiles one build. Served as application/wasm, it compiles while it downloads;
 * served as anything else (a misconfigured host), it is read whole first.
 * @throws OtpError('WASM_UNAVAILABLE') when the fetch fails or the module does not compile (no SIMD
 * here, or a CSP without 'wasm-unsafe-eval').
 */
async function fetchWasm(flavor: WasmFlavor): Promise<WebAssembly.Module> {
  const url = wasmFile(flavor)
  const name = url.pathname.slice(url.pathname.lastIndexOf('/') + 1)
  let response: Response
  try {
    response = await fetch(url)
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
  } catch (cause) {
    throw new OtpError('WASM_UNAVAILABLE', `cannot fetch the WASM kernel (${name})`, { cause })
  }
  try {
    const streamed = response.headers.get('content-type')?.startsWith('application/wasm')
    return streamed ? await WebAssembly.compileStreaming(response) : await WebAssembly.compile(await response.arrayBuffer())
  } catch (cause) {
    throw new OtpError('WASM_UNAVAILABLE', `cannot compile the WASM kernel (${name})`, { cause })
  }
}

// Compiled modules; a failed load is forgotten, so that a later call may retry (a network error).
const modules = new Map<WasmFlavor, Promise<WebAssembly.Module>>()

function compiled(flavor: WasmFlavor): Promise<WebAssembly.Module> {
  let module = modules.get(flavor)
  if (!module) {
    module = fetchWasm(flavor)
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

/** A kernel for a backend choice: 'auto' falls back to the JS kernel when no WASM build loads. */
export async function loadKernel(choice: BackendChoice, preference: WasmPreference = {}): Promise<Kernel> {
  if (choice === 'js') return createJsKernel()
  if (choice === 'wasm') return loadWasmKernel(preference)
  try {
    return await loadWasmKernel(preference)
  } catch (error) {
    if (error instanceof OtpError && error.code === 'WASM_UNAVAILABLE') return createJsKernel()
    throw error
  }
}

/**
 * Loads the compiled kernel (build/otp.wasm): synchronously in Node, so that the module-level
 * functions need no await, or asynchronously anywhere (browsers, or to keep compilation off the
 * calling thread). A compiled module is cached once per process (per worker thread).
 *
 * Every failure to read, compile or instantiate becomes OtpError('WASM_UNAVAILABLE'), which callers
 * answer by falling back to the JS kernel.
 */
import { OtpError } from '../core/errors.js'
import { packageFile, WASM_DIR } from '../core/package-file.js'

/** The two builds of the kernel; they have the same exports (see assembly/index.ts). */
export type WasmFlavor = 'wasm' | 'wasm-simd'

const FILES: Record<WasmFlavor, string> = { wasm: 'otp.wasm', 'wasm-simd': 'otp-simd.wasm' }

/** Where a build of the kernel lives: build/ in the repository, dist/browser/ in the package. */
export function wasmUrl(flavor: WasmFlavor = 'wasm'): URL {
  return packageFile(`${WASM_DIR}/${FILES[flavor]}`)
}

const modules = new Map<WasmFlavor, WebAssembly.Module>()

function unavailable(flavor: WasmFlavor, what: string, cause?: unknown): OtpError {
  return new OtpError('WASM_UNAVAILABLE', `cannot ${what} the WASM kernel (${WASM_DIR}/${FILES[flavor]})`, { cause })
}

function compile(bytes: BufferSource, flavor: WasmFlavor): WebAssembly.Module {
  try {
    return new WebAssembly.Module(bytes)
  } catch (cause) {
    throw unavailable(flavor, 'compile', cause)
  }
}

/** The part of node:fs this module reads files with. */
interface FileReader {
  readFileSync(url: URL): Uint8Array
  promises: { readFile(url: URL): Promise<Uint8Array> }
}

/**
 * node:fs where it exists, without a static import (or even a type import) of it: this module is
 * also the browser's, and must not reach a Node module.
 */
function nodeFs(): FileReader | undefined {
  return globalThis.process?.getBuiltinModule?.('node:fs') as FileReader | undefined
}

/**
 * Reads and compiles the kernel synchronously (Node only), once per process.
 * @throws OtpError('WASM_UNAVAILABLE') when WebAssembly, the file or node:fs is missing, or the
 * file does not compile.
 */
export function loadWasmModuleSync(flavor: WasmFlavor = 'wasm'): WebAssembly.Module {
  const cached = modules.get(flavor)
  if (cached) return cached
  if (typeof WebAssembly !== 'object') throw unavailable(flavor, 'run (no WebAssembly here)')
  const fs = nodeFs()
  if (!fs) throw unavailable(flavor, 'read synchronously (no node:fs here; use loadWasmModule)')
  let bytes: BufferSource
  try {
    bytes = fs.readFileSync(wasmUrl(flavor)) as Uint8Array<ArrayBuffer> // a Buffer, never shared
  } catch (cause) {
    throw unavailable(flavor, 'read', cause)
  }
  const module = compile(bytes, flavor)
  modules.set(flavor, module)
  return module
}

/**
 * Compiles the kernel asynchronously. Without `source` it reads the file next to the package (Node)
 * or fetches it (elsewhere), and caches the module; with `source` (a URL, or the bytes) it does not cache.
 * @throws OtpError('WASM_UNAVAILABLE') as loadWasmModuleSync does.
 */
export async function loadWasmModule(source?: URL | string | BufferSource, flavor: WasmFlavor = 'wasm'): Promise<WebAssembly.Module> {
  if (source === undefined) {
    const cached = modules.get(flavor)
    if (cached) return cached
  }
  if (typeof WebAssembly !== 'object') throw unavailable(flavor, 'run (no WebAssembly here)')
  let bytes: BufferSource
  try {
    if (source !== undefined && typeof source !== 'string' && !(source instanceof URL)) bytes = source
    else {
      const url = source === undefined ? wasmUrl(flavor) : new URL(source, import.meta.url)
      const fs = nodeFs()
      if (url.protocol === 'file:' && fs) bytes = (await fs.promises.readFile(url)) as Uint8Array<ArrayBuffer>
      else {
        const response = await fetch(url)
        if (!response.ok) throw new Error(`HTTP ${response.status}`)
        bytes = await response.arrayBuffer()
      }
    }
  } catch (cause) {
    throw unavailable(flavor, 'read', cause)
  }
  let module: WebAssembly.Module
  try {
    module = await WebAssembly.compile(bytes)
  } catch (cause) {
    throw unavailable(flavor, 'compile', cause)
  }
  if (source === undefined) modules.set(flavor, module)
  return module
}

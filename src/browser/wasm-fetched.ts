/**
 * The default entry's WASM: fetched from next to the script and compiled asynchronously. Served as
 * application/wasm, a build compiles while it downloads; anything else (a misconfigured host) is read
 * whole first.
 *
 * Fetched, not embedded: 190 KB of WASM as base64 is 260 KB more script to parse on every load, even
 * for pages whose policy forbids WASM. `new URL('./x.wasm', import.meta.url)` with a literal path is
 * the form that Vite, webpack 5 and Parcel recognise and emit along with the script; esbuild and
 * Rollup without a plugin do not, and `otp-wasm/inline` (whose entry uses
 * src/browser/wasm-embedded.ts instead) is for them. Only the default entry
 * (src/browser/entry-fetched.ts) imports this module.
 */
import { OtpError } from '../core/errors.js'
import type { WasmFlavor } from '../kernels/wasm-load.js'
import { CSP_REMEDY, type WasmSource } from './wasm-source.js'

/**
 * Where each build lives: literal paths, so that bundlers find them. A bundle without
 * `import.meta.url` (an IIFE) makes `new URL` throw, which is an unavailable kernel, not a crash.
 */
function wasmFile(flavor: WasmFlavor): URL {
  try {
    return flavor === 'wasm-simd' ? new URL('./otp-simd.wasm', import.meta.url) : new URL('./otp.wasm', import.meta.url)
  } catch (cause) {
    throw new OtpError('WASM_UNAVAILABLE', `cannot locate the WASM kernel (${flavor}): this bundle has no import.meta.url`, { cause })
  }
}

async function compile(flavor: WasmFlavor): Promise<WebAssembly.Module> {
  const url = wasmFile(flavor)
  let response: Response
  try {
    response = await fetch(url)
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
  } catch (cause) {
    throw new OtpError('WASM_UNAVAILABLE', `cannot fetch the WASM kernel from ${url.href}`, { cause })
  }
  try {
    const streamed = response.headers.get('content-type')?.startsWith('application/wasm')
    return streamed ? await WebAssembly.compileStreaming(response) : await WebAssembly.compile(await response.arrayBuffer())
  } catch (cause) {
    throw new OtpError('WASM_UNAVAILABLE', `cannot compile the WASM kernel from ${url.href}`, { cause })
  }
}

/** The builds fetched from next to this script. */
export const wasmSource: WasmSource = {
  compile,
  remedy: `if your bundler does not emit the package's .wasm files, import 'otp-wasm/inline' (the WASM embedded); ${CSP_REMEDY}`,
}

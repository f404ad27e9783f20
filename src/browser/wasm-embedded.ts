/**
 * The WASM of `otp-wasm/inline`: both builds carried in the script, gzipped and as base64, so that
 * any bundler handles the package as plain JavaScript (as as-sha256 and hash-wasm do).
 * scripts/build-browser.js generates the entry module that calls this with the bytes of
 * build/*.wasm; it is never committed. Gzipped, the two builds are 75 KB of base64 rather than
 * 260 KB; the browser's own DecompressionStream (Chrome 80, Firefox 113, Safari 16.4) inflates a
 * build when it is compiled, which the loader does once per page.
 */
import { OtpError } from '../core/errors.js'
import type { WasmFlavor } from '../kernels/wasm-load.js'
import { CSP_REMEDY, type WasmSource } from './wasm-source.js'

/** base64 to bytes: the native decoder where the browser has one (2025 on), else atob. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const typed = Uint8Array as unknown as { fromBase64?(text: string): Uint8Array<ArrayBuffer> }
  if (typed.fromBase64) return typed.fromBase64(text)
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** The bytes of a gzip member, inflated. */
export async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> {
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer()
}

/** A source over the builds, gzipped, as base64, by flavor. */
export function embeddedWasm(gzippedBase64: Record<WasmFlavor, string>): WasmSource {
  return {
    async compile(flavor) {
      let bytes: ArrayBuffer
      try {
        bytes = await gunzip(decodeBase64(gzippedBase64[flavor]))
      } catch (cause) {
        // A browser without DecompressionStream (Firefox before 113) runs on the JS kernel.
        throw new OtpError('WASM_UNAVAILABLE', `cannot decompress the embedded WASM kernel (${flavor})`, { cause })
      }
      try {
        return await WebAssembly.compile(bytes)
      } catch (cause) {
        throw new OtpError('WASM_UNAVAILABLE', `cannot compile the embedded WASM kernel (${flavor})`, { cause })
      }
    },
    remedy: CSP_REMEDY,
  }
}

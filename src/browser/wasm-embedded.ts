/**
 * The WASM of `otp-wasm/inline`: both builds carried in the script as base64, so that any bundler
 * handles the package as plain JavaScript (as as-sha256 and hash-wasm do). scripts/build-browser.js
 * generates the module that calls this with the bytes of build/*.wasm; it is never committed.
 * A build is decoded only when it is compiled, which the loader does once per page.
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

/** A source over the builds' bytes as base64, by flavor. */
export function embeddedWasm(base64: Record<WasmFlavor, string>): WasmSource {
  return {
    async compile(flavor) {
      try {
        return await WebAssembly.compile(decodeBase64(base64[flavor]))
      } catch (cause) {
        throw new OtpError('WASM_UNAVAILABLE', `cannot compile the embedded WASM kernel (${flavor})`, { cause })
      }
    },
    remedy: CSP_REMEDY,
  }
}

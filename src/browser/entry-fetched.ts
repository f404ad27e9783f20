/**
 * The default browser entry (`otp-wasm` under the `browser` condition, dist/browser/otp-wasm.js):
 * the library (src/browser/index.ts), with the WASM builds fetched from next to the script.
 * `otp-wasm/inline` is the same library with the builds embedded; scripts/build-browser.js
 * generates its entry.
 */
import { wasmSource } from './wasm-fetched.js'
import { useWasmSource } from './wasm-source.js'

useWasmSource(wasmSource)

export * from './index.js'

/**
 * otp-wasm for browsers: the public API of the Node entry (src/index.ts), over a WASM kernel that is
 * fetched and compiled asynchronously, since browsers do not compile a module above 4 KB
 * synchronously on the main thread.
 *
 * The module-level functions work at once, on the JS kernel, and move to WASM as soon as `ready`
 * resolves; their answers are the same on both. `createEngine()` waits for the WASM kernel itself.
 * Under a Content-Security-Policy without 'wasm-unsafe-eval' everything runs on the JS kernel.
 *
 * Left out, because they need Node: worker threads (`threads` must be 1), `qrTerminal` and `qrPng`
 * (the qrcode package draws only SVG in browsers), and `createVerifier` with its stores (sealing
 * through node:crypto, SQLite, Redis: server-side state).
 */
import type { Backend, Kernel } from '../core/kernel.js'
import { createJsKernel } from '../kernels/js.js'
import { singleCodeApi, type SingleCodeApi } from '../core/otp.js'
import { ocraOver, type OcraApi } from '../core/ocra/index.js'
import { loadKernel } from './load.js'
import { useTokenKernel } from '../tokens/kernel-source.js'

export * from '../api.js'
export { createEngine, type EngineOptions } from './engine.js'

let kernel: Kernel = createJsKernel()
let api: SingleCodeApi = singleCodeApi(kernel)
// Token objects follow the module functions' kernel: JS at first, WASM once it has loaded.
useTokenKernel(() => kernel)

/**
 * Resolves, never rejects, once the module-level functions have their final kernel: the backend
 * they then use ('wasm-simd', 'wasm', or 'js' where no WASM build loads). The load starts when this
 * module is imported.
 */
export const ready: Promise<Backend> = loadKernel('auto').then(
  (loaded) => {
    kernel = loaded
    api = singleCodeApi(loaded)
    return loaded.backend
  },
  // 'auto' only fails on an unexpected error; the JS kernel keeps answering, and correctly.
  () => kernel.backend,
)

/** The backend behind the module-level functions right now: 'js' until `ready` has moved them to WASM. */
export function defaultBackend(): Backend {
  return kernel.backend
}

/**
 * The HOTP code of RFC 4226 section 5.3 for `counter` (0 to 2^64 - 1; a bigint above 2^53 - 1).
 * @example hotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 0) // '755224'
 */
export const hotp: SingleCodeApi['hotp'] = (secret, counter, options) => api.hotp(secret, counter, options)

/** The TOTP code of RFC 6238 section 4 at `time` (unix seconds, default now). */
export const totp: SingleCodeApi['totp'] = (secret, options) => api.totp(secret, options)

/**
 * Checks an HOTP code against `counter ... counter + window`; returns the matched delta d
 * (the code is hotp(counter + d)), or null. The whole window is checked in constant time.
 */
export const verifyHotp: SingleCodeApi['verifyHotp'] = (secret, code, counter, options) =>
  api.verifyHotp(secret, code, counter, options)

/**
 * Checks a TOTP code against the steps from now - window to now + window (RFC 6238 section 5.2);
 * returns the matched delta in steps, the closest to 0 first (0, -1, +1, ...), or null.
 */
export const verifyTotp: SingleCodeApi['verifyTotp'] = (secret, code, options) => api.verifyTotp(secret, code, options)

/**
 * The resync of RFC 4226 section 7.4: the counter the next code will use, or null. Computed in the
 * calling thread; for a long look-ahead use an engine (whose resyncHotp yields to the page between
 * pieces) in a Web Worker.
 */
export const resyncHotp: SingleCodeApi['resyncHotp'] = (secret, codes, from, options) =>
  api.resyncHotp(secret, codes, from, options)

// OCRA (RFC 6287) on the same kernel as the functions above.
const ocraFunctions = ocraOver(() => kernel)

/**
 * The OCRA response of RFC 6287 section 5 for `suite` (e.g. 'OCRA-1:HOTP-SHA1-6:QN08'): its digits,
 * or for t = 0 the whole HMAC in hex. `input` holds the question and what else the suite names
 * (counter, password or passwordHash, session, time or timestamp).
 * @example ocra('OCRA-1:HOTP-SHA1-6:QN08', secret, { question: '00000000' })
 */
export const ocra: OcraApi['ocra'] = ocraFunctions.ocra

/**
 * Checks an OCRA response over counters `counter ... counter + counterWindow` and time steps around
 * the given one (closest first: 0, -1, +1, ...), all computed in constant time; returns the counter
 * delta (suites with C), else the time delta (suites with T), else 0, or null.
 */
export const verifyOcra: OcraApi['verifyOcra'] = ocraFunctions.verifyOcra

/** Mutual challenge-response (RFC 6287 section 7.3): the server's response, over the client's question then the server's. */
export const ocraServerResponse: OcraApi['ocraServerResponse'] = ocraFunctions.ocraServerResponse
/** Mutual challenge-response: the client's response, over the server's question then the client's. */
export const ocraClientResponse: OcraApi['ocraClientResponse'] = ocraFunctions.ocraClientResponse
/** The client's check of the server's response (verifyOcra's answer). */
export const verifyOcraServerResponse: OcraApi['verifyOcraServerResponse'] = ocraFunctions.verifyOcraServerResponse
/** The server's check of the client's response (verifyOcra's answer). */
export const verifyOcraClientResponse: OcraApi['verifyOcraClientResponse'] = ocraFunctions.verifyOcraClientResponse

/**
 * The module-level functions of both entries, documented once: single codes and OCRA on the module
 * kernel (src/kernels/module-kernel.ts): in Node the default kernel (WASM where it loads, else JS), in
 * browsers the JS kernel until the WASM one is ready. No await is needed; the answers are the same on
 * every kernel.
 */
import type { Backend, Kernel } from './core/kernel.js'
import { ocraOver, type OcraApi } from './core/ocra/index.js'
import { singleCodeApi, type SingleCodeApi } from './core/otp.js'
import { moduleKernel } from './kernels/module-kernel.js'

let bound: Kernel | undefined
let api: SingleCodeApi | undefined
/** The single-code functions over the module kernel, rebound when it changes. */
function current(): SingleCodeApi {
  const kernel = moduleKernel()
  if (kernel !== bound) {
    bound = kernel
    api = singleCodeApi(kernel)
  }
  return api!
}

/** The backend behind the module-level functions right now: 'wasm-simd', 'wasm', or 'js' where WASM cannot run (or, in a browser, has not loaded yet). */
export function defaultBackend(): Backend {
  return moduleKernel().backend
}

/**
 * The HOTP code of RFC 4226 section 5.3 for `counter` (0 to 2^64 - 1; a bigint above 2^53 - 1).
 * @example hotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 0) // '755224'
 */
export const hotp: SingleCodeApi['hotp'] = (secret, counter, options) => current().hotp(secret, counter, options)

/**
 * The TOTP code of RFC 6238 section 4 at `time` (unix seconds, default now); `encoding: 'steam'` gives
 * a Steam Guard code.
 * @example totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', { time: 59, digits: 8 }) // '94287082'
 */
export const totp: SingleCodeApi['totp'] = (secret, options) => current().totp(secret, options)

/**
 * Checks an HOTP code against `counter ... counter + window`; returns the matched delta d
 * (the code is hotp(counter + d)), or null. The whole window is checked in constant time.
 * On success the next expected counter is counter + d + 1 (RFC 4226 section 7.2).
 * Compare the answer with null: an exact match is 0, which is falsy.
 */
export const verifyHotp: SingleCodeApi['verifyHotp'] = (secret, code, counter, options) =>
  current().verifyHotp(secret, code, counter, options)

/**
 * Checks a TOTP code against the steps from now - window to now + window (RFC 6238 section 5.2);
 * returns the matched delta in steps, the closest to 0 first (0, -1, +1, ...), or null. The whole
 * window is checked in constant time. Compare the answer with null: an exact match is 0, which is falsy.
 */
export const verifyTotp: SingleCodeApi['verifyTotp'] = (secret, code, options) => current().verifyTotp(secret, code, options)

/**
 * The resync of RFC 4226 section 7.4: finds the earliest counter c in [from, from + lookAhead) where
 * `codes` are hotp(c), hotp(c + 1), ... and returns the counter the next code will use
 * (c + codes.length), or null. One 6-digit code matches by chance about once per million counters:
 * give two or three consecutive codes for a scan of that size. Computed in the calling thread; an
 * engine scans long look-aheads on every core.
 */
export const resyncHotp: SingleCodeApi['resyncHotp'] = (secret, codes, from, options) => current().resyncHotp(secret, codes, from, options)

const ocraFunctions = ocraOver(moduleKernel)

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

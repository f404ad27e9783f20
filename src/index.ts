/**
 * otp-wasm: HOTP (RFC 4226) and TOTP (RFC 6238) on a WebAssembly kernel, one code at a time or in
 * batches of millions.
 *
 * The module-level functions use the default kernel (WASM where it runs, else JS) and need no await.
 * `createEngine` picks a backend explicitly and adds batches, scans and worker threads.
 */
import { defaultKernel } from './kernels/select.js'
import { singleCodeApi, type SingleCodeApi } from './core/otp.js'
import { ocraOver, type OcraApi } from './core/ocra/index.js'

export * from './api.js'
export { createEngine } from './create-engine.js'
export type { EngineOptions } from './engine/engine.js'
export { qrPng, qrTerminal, type QrPngOptions, type QrTerminalOptions } from './io/qr.js'

let api: SingleCodeApi | undefined
const defaultApi = (): SingleCodeApi => (api ??= singleCodeApi(defaultKernel()))

/** The backend behind the module-level functions: 'wasm-simd', 'wasm', or 'js' where WASM cannot run. */
export function defaultBackend(): import('./core/kernel.js').Backend {
  return defaultKernel().backend
}

/**
 * The HOTP code of RFC 4226 section 5.3 for `counter` (0 to 2^64 - 1; a bigint above 2^53 - 1).
 * @example hotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 0) // '755224'
 */
export const hotp: SingleCodeApi['hotp'] = (secret, counter, options) => defaultApi().hotp(secret, counter, options)

/** The TOTP code of RFC 6238 section 4 at `time` (unix seconds, default now). */
export const totp: SingleCodeApi['totp'] = (secret, options) => defaultApi().totp(secret, options)

/**
 * Checks an HOTP code against `counter ... counter + window`; returns the matched delta d
 * (the code is hotp(counter + d)), or null. The whole window is checked in constant time.
 * On success the next expected counter is counter + d + 1 (RFC 4226 section 7.2).
 */
export const verifyHotp: SingleCodeApi['verifyHotp'] = (secret, code, counter, options) =>
  defaultApi().verifyHotp(secret, code, counter, options)

/**
 * Checks a TOTP code against the steps from now - window to now + window (RFC 6238 section 5.2);
 * returns the matched delta in steps, the closest to 0 first (0, -1, +1, ...), or null. The whole
 * window is checked in constant time.
 */
export const verifyTotp: SingleCodeApi['verifyTotp'] = (secret, code, options) => defaultApi().verifyTotp(secret, code, options)

/**
 * The resync of RFC 4226 section 7.4: finds the earliest counter c in [from, from + lookAhead) where
 * `codes` are hotp(c), hotp(c + 1), ... and returns the counter the next code will use
 * (c + codes.length), or null. One 6-digit code matches by chance about once per million counters:
 * give two or three consecutive codes for a scan of that size.
 */
export const resyncHotp: SingleCodeApi['resyncHotp'] = (secret, codes, from, options) =>
  defaultApi().resyncHotp(secret, codes, from, options)

// OCRA (RFC 6287) on the same kernel as the functions above.
const ocraFunctions = ocraOver(() => defaultKernel())

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

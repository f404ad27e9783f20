/**
 * otp-wasm: HOTP (RFC 4226) and TOTP (RFC 6238) on a WebAssembly kernel, one code at a time or in
 * batches of millions.
 *
 * The module-level functions use the default kernel (WASM where it runs, else JS) and need no await.
 * `createEngine` picks a backend explicitly and adds batches, scans and worker threads.
 */
export * from './api.js'
export { createEngine } from './create-engine.js'
export type { EngineOptions } from './engine/engine.js'
export { qrPng, qrTerminal, type QrPngOptions, type QrTerminalOptions } from './io/qr.js'

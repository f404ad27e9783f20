/**
 * otp-wasm/pskc: RFC 6030 PSKC token files in and out. Node only (the encryption runs on
 * node:crypto), so it is its own entry, kept out of the browser build.
 */
export {
  parsePskc,
  parsePskcStream,
  MAX_KEY_PACKAGES,
  MAX_PBKDF2_ITERATIONS,
  type ParsePskcOptions,
  type PskcTokens,
} from './io/pskc/parse.js'
export { buildPskc, DEFAULT_PBKDF2_ITERATIONS, MAX_PSKC_COUNTER, MIN_PBKDF2_ITERATIONS, type BuildPskcOptions } from './io/pskc/build.js'
export { MAX_DEPTH, MAX_ELEMENT_TEXT, MAX_ELEMENTS_PER_PACKAGE, MAX_PSKC_BYTES } from './io/pskc/xml.js'
export type { Token } from './io/token.js'

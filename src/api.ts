/**
 * The public API both entries share, the Node entry (src/index.ts) and the browser entry
 * (src/browser/index.ts): errors, constants, secrets, option types, batches, URIs, token objects
 * (Totp, Hotp), SVG QR codes and the module-level functions (src/module-functions.ts). Token files
 * and transfer URIs are in otp-wasm/formats (src/io/formats.ts), loaded only by those who use them.
 * Each entry adds createEngine and what only its platform has.
 */
export * from './module-functions.js'
export { OtpError, type OtpErrorCode } from './core/errors.js'
export { ALGORITHMS, type Algorithm, type Backend } from './core/kernel.js'
export { base32Decode, base32Encode } from './core/base32.js'
export { randomSecret, MAX_SECRET_BYTES, MIN_GENERATED_SECRET_BYTES, type Secret } from './core/secret.js'
export { MAX_LOOK_AHEAD, MAX_RESYNC_CODES, MAX_WINDOW } from './core/validate.js'
export {
  DEFAULT_LOOK_AHEAD,
  type HotpOptions,
  type ResyncOptions,
  type TotpOptions,
  type VerifyHotpOptions,
  type VerifyTotpOptions,
} from './core/otp.js'
export type { CallOptions, Engine, StreamOptions } from './engine/engine.js'
export { BatchBuilder, type BatchSizeHint, type HotpRecordOptions, type TotpRecordOptions } from './batch/columns.js'
export type { CodeColumn, HotpColumns, TotpColumns } from './batch/column-input.js'
export type { GenerateRecord, HotpVerifyRecord, TotpVerifyRecord, VerifyRecord } from './batch/records.js'
export { INVALID_STATUS, MATCH_STATUS, NO_MATCH_STATUS, type GenerateColumnsResult, type VerifyColumnsResult } from './batch/run.js'
export { buildUri, parseUri, type OtpauthUri, type OtpauthUriInput } from './io/uri.js'
export { PreparedKey } from './core/prepared.js'
export {
  Hotp,
  Totp,
  fromUri,
  randomBase32,
  type HotpCheckOptions,
  type HotpParams,
  type HotpResyncOptions,
  type TotpCheckOptions,
  type TotpParams,
  type UriLabel,
} from './tokens/index.js'
export { qrSvg, type QrErrorCorrection, type QrOptions } from './io/qr.js'
export {
  MAX_OCRA_CANDIDATES,
  ocraChallenge,
  parseOcraSuite,
  type MutualOcraInput,
  type OcraApi,
  type OcraInput,
  type OcraLayout,
  type OcraSuite,
  type QuestionFormat,
  type VerifyMutualOcraInput,
  type VerifyOcraInput,
} from './core/ocra/index.js'
export { STEAM_ALPHABET, STEAM_LENGTH, type CodeEncoding } from './core/steam.js'
export type { OcraVerifyRecord, SteamVerifyRecord } from './batch/ocra-records.js'

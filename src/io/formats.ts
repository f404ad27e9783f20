/**
 * otp-wasm/formats: tokens in and out of the files and QR codes other systems use: Google
 * Authenticator's transfer URIs, vendor seed CSV files and RFC 6030 PSKC. An entry of its own, so
 * that a process which only makes or checks codes never loads their parsers (@bufbuild/protobuf,
 * saxes) at start-up. PSKC runs on node:crypto: the browser's `otp-wasm/formats` is the browser
 * entry, which carries the transfer URIs and seed CSV files but not PSKC.
 */
export type { Token } from './token.js'
export {
  buildMigrationUris,
  parseMigrationUri,
  DEFAULT_MIGRATION_BATCH_SIZE,
  MAX_MIGRATION_URI_LENGTH,
  type BuildMigrationOptions,
  type MigrationBatch,
} from './migration.js'
export {
  buildSeedCsv,
  parseSeedCsv,
  MAX_SEED_CSV_LENGTH,
  type BuildSeedCsvOptions,
  type ParseSeedCsvOptions,
  type SecretEncoding,
} from './seed-csv.js'
export {
  parsePskc,
  parsePskcStream,
  MAX_KEY_PACKAGES,
  MAX_PBKDF2_ITERATIONS,
  type ParsePskcOptions,
  type PskcTokens,
} from './pskc/parse.js'
export { buildPskc, DEFAULT_PBKDF2_ITERATIONS, MAX_PSKC_COUNTER, MIN_PBKDF2_ITERATIONS, type BuildPskcOptions } from './pskc/build.js'
export { MAX_DEPTH, MAX_ELEMENT_TEXT, MAX_ELEMENTS_PER_PACKAGE, MAX_PSKC_BYTES } from './pskc/xml.js'

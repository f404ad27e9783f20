/**
 * The token formats that run on any platform: Google Authenticator's transfer URIs and vendor seed
 * CSV files, in and out. Both otp-wasm/formats entries carry them: Node's (src/io/formats.ts) adds
 * PSKC, the browser's (src/browser/formats.ts) does not.
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

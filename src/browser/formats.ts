/**
 * otp-wasm/formats for browsers: Google Authenticator's transfer URIs and vendor seed CSV files,
 * in and out. PSKC, which the Node entry (src/io/formats.ts) adds, runs on node:crypto and is left out.
 */
export type { Token } from '../io/token.js'
export {
  buildMigrationUris,
  parseMigrationUri,
  DEFAULT_MIGRATION_BATCH_SIZE,
  MAX_MIGRATION_URI_LENGTH,
  type BuildMigrationOptions,
  type MigrationBatch,
} from '../io/migration.js'
export {
  buildSeedCsv,
  parseSeedCsv,
  MAX_SEED_CSV_LENGTH,
  type BuildSeedCsvOptions,
  type ParseSeedCsvOptions,
  type SecretEncoding,
} from '../io/seed-csv.js'

/**
 * The token database of `otp enroll`, `otp check` and `otp remove`: a local SQLite file (--db, else
 * OTP_DB, else ./otp-tokens.db) opened through createSqliteStore, and the verifier over it.
 */
import { existsSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { createSqliteStore, createVerifier, type TokenStore, type Verifier } from '../verifier/index.js'
import { UsageError } from './exit.js'
import { KEY_ENV, loadStoreKey, removeCreatedKeyFile } from './store-key.js'

/** The environment variable naming the database file. */
export const DB_ENV = 'OTP_DB'
export const DEFAULT_DB = './otp-tokens.db'

/** The options every token-database command has. */
export const DB_OPTION = { db: { type: 'string' } } as const
export const KEY_FILE_OPTION = { 'key-file': { type: 'string' } } as const

export const DB_HELP = `  --db FILE          the token database (default: $${DB_ENV}, else ${DEFAULT_DB})`
export const KEY_FILE_HELP = `  --key-file FILE    the store key: hex or base64 of 16, 24 or 32 bytes (default: $${KEY_ENV}
                     as hex or base64, else the file beside the database: its name + .key)`

/** The database path from --db, else OTP_DB, else the default. */
export function dbPath(option: string | undefined): string {
  if (option !== undefined) {
    if (option === '') throw new UsageError('--db expects a file name')
    return option
  }
  const fromEnv = process.env[DB_ENV]
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_DB
}

/**
 * Opens the database. Without `create`, a missing file is an error: SQLite would otherwise create an
 * empty one, and every token would seem unknown. The store's own failures are OtpErrors naming the
 * path (STORE_UNAVAILABLE) or the package to install or rebuild (STORE_DRIVER_MISSING).
 */
export async function openStore(path: string, create: boolean): Promise<TokenStore> {
  checkPath(path, create)
  return createSqliteStore(path)
}

/** A verifier over the database, sealing with its store key. */
export interface OpenVerifier {
  verifier: Verifier
  /** Closes the verifier and the database. */
  close(): Promise<void>
}

/**
 * Opens the database and its verifier. With `create` (enrolment), a new database gets a new key file
 * beside it when no key is given; an existing database never does, since a new key could not open
 * the secrets already in it.
 */
export async function openVerifier(options: { db: string; keyFile: string | undefined; create: boolean }): Promise<OpenVerifier> {
  checkPath(options.db, options.create)
  const isNew = !existsSync(options.db)
  const { key, created } = loadStoreKey({ keyFile: options.keyFile, dbPath: options.db, create: options.create && isNew })
  let store: TokenStore
  try {
    store = await openStore(options.db, options.create)
  } catch (error) {
    key.fill(0)
    // A driver that cannot load, or a file SQLite refuses: no database was made, so no key for it either.
    if (created !== undefined) removeCreatedKeyFile(options.db)
    throw error
  }
  if (created !== undefined) process.stderr.write(`${created}\n`)
  let verifier: Verifier
  try {
    verifier = createVerifier({ store, key, ownsStore: true })
  } catch (error) {
    await store.close()
    throw error
  } finally {
    // The sealer copies the key into a KeyObject: our copy can go.
    key.fill(0)
  }
  return {
    verifier,
    // The verifier owns the store: closing it closes the database.
    close: () => verifier.close(),
  }
}

/** A database file that can be opened: an existing file, or with `create`, a new one in an existing folder. */
function checkPath(path: string, create: boolean): void {
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) throw new UsageError(`the token database ${path} is a directory`)
  } else if (!create) {
    throw new UsageError(`no token database at ${path}: enrol a token first (otp enroll), or give --db or $${DB_ENV}`)
  } else if (!existsSync(dirname(path))) {
    throw new UsageError(`cannot create the token database ${path}: the folder ${dirname(path)} does not exist`)
  }
}

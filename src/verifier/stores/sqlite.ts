/**
 * The SQLite store, over better-sqlite3: the embedded default for the CLI and single servers. Several
 * processes may share one database file; SQLite's write lock makes each compare-and-set atomic across
 * them, and a transaction that a crash interrupts is rolled back whole.
 *
 * better-sqlite3 is synchronous: a lock held by another connection would make its busy handler sleep
 * inside the call, and the whole process with it. So the driver waits only a few milliseconds for a
 * lock; past that, the store gives the event loop back and tries again later, with backoff, until
 * `busyTimeout` runs out. A failed attempt changed nothing (a statement or transaction that cannot
 * take its lock does not start), so trying again is always safe.
 */
import { OtpError, describe } from '../../core/errors.js'
import { checkStoreId, type StateUpdate, type StoredToken, type TokenStore } from '../store.js'
import { loadOptionalDriver } from './driver.js'

export interface SqliteStoreOptions {
  /** The table the tokens live in (created if missing). Default 'otp_tokens'. */
  table?: string
  /**
   * How long a call may wait for another connection's lock, in milliseconds, before it fails with
   * OtpError('STORE_CONFLICT'). Default 5000. The wait never blocks the event loop: the store retries
   * asynchronously, with backoff.
   */
  busyTimeout?: number
  /**
   * 'full' (default) syncs every commit to disk before it resolves: an enrolled token or an accepted
   * code survives power loss. 'normal' survives a process crash but may lose the last commits to a
   * power loss, for much cheaper commits (SQLite's synchronous pragma in WAL mode).
   */
  durability?: 'full' | 'normal'
}

/** The parts of better-sqlite3 this store uses (the package ships no types of its own). */
interface Statement {
  run(...params: unknown[]): { changes: number }
  get(...params: unknown[]): unknown
  all(...params: unknown[]): unknown[]
}
interface Database {
  pragma(source: string): unknown
  exec(source: string): void
  prepare(source: string): Statement
  transaction<A extends unknown[], R>(fn: (...args: A) => R): { (...args: A): R; immediate(...args: A): R }
  close(): void
}
type DatabaseConstructor = new (path: string, options?: { timeout?: number }) => Database

interface Row {
  secret: Uint8Array
  params: string
  state: string
  version: number
}

/**
 * How long the driver itself waits for a lock, in milliseconds: short enough that the process never
 * stalls noticeably, long enough to ride out the typical commit of another process without a retry.
 */
const DRIVER_BUSY_MS = 5
/** The longest pause between two attempts at a locked database, in milliseconds. */
const MAX_BACKOFF_MS = 50

/**
 * Opens (or creates) a token database at `path` (':memory:' for a private in-memory one).
 * better-sqlite3, an optional peer dependency, is loaded here, on first use, so that importing
 * otp-wasm never needs it. Close the store with close() (or hand it to createVerifier with
 * `ownsStore: true` and close the verifier).
 *
 * @example
 * const store = await createSqliteStore('tokens.db')
 * const verifier = createVerifier({ store, ownsStore: true, key })
 * try { await verifier.verify('alice', code) } finally { await verifier.close() }
 *
 * @throws OtpError STORE_DRIVER_MISSING when better-sqlite3 is not installed or not built;
 *   STORE_UNAVAILABLE when the file cannot be opened (a folder, a missing folder, no permission);
 *   INVALID_OPTIONS for bad options.
 */
export async function createSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<TokenStore> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new OtpError('INVALID_OPTIONS', `the SQLite store needs a database file path, got ${describe(path)}`)
  }
  if (options === null || typeof options !== 'object') {
    throw new OtpError('INVALID_OPTIONS', `SQLite store options must be an object, got ${describe(options)}`)
  }
  const table = options.table ?? 'otp_tokens'
  if (typeof table !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(table)) {
    throw new OtpError('INVALID_OPTIONS', `table must be a plain SQL identifier, got ${describe(table)}`)
  }
  const busyTimeout = options.busyTimeout ?? 5000
  if (!Number.isInteger(busyTimeout) || busyTimeout < 0) {
    throw new OtpError('INVALID_OPTIONS', `busyTimeout must be a whole number of milliseconds, got ${describe(busyTimeout)}`)
  }
  const durability = options.durability ?? 'full'
  if (durability !== 'full' && durability !== 'normal') {
    throw new OtpError('INVALID_OPTIONS', `durability must be 'full' or 'normal', got ${describe(durability)}`)
  }

  const Sqlite = await loadOptionalDriver<DatabaseConstructor>('better-sqlite3', 'the SQLite store')
  let db: Database
  try {
    db = new Sqlite(path, { timeout: Math.min(busyTimeout, DRIVER_BUSY_MS) })
  } catch (cause) {
    throw openFailure(path, cause)
  }

  /**
   * Runs `fn` until it gets its locks, giving the event loop back between attempts, for at most
   * busyTimeout; maps the driver's errors to OtpError.
   */
  const locking = async <R>(fn: () => R): Promise<R> => {
    let deadline = 0
    for (let pause = 1; ; pause = Math.min(pause * 2, MAX_BACKOFF_MS)) {
      if (closed) throw new OtpError('STORE_UNAVAILABLE', `the SQLite store of ${path} is closed`)
      try {
        return fn()
      } catch (error) {
        if (!isBusy(error)) throw storeFailure(path, error)
        const now = Date.now()
        if (deadline === 0) deadline = now + busyTimeout
        if (now >= deadline) {
          throw new OtpError('STORE_CONFLICT', `the token database ${path} stayed locked by another connection for ${busyTimeout} ms`, {
            cause: error,
          })
        }
        // Jittered, so that processes waiting for the same lock do not retry in step.
        await new Promise((resolve) => setTimeout(resolve, Math.min(pause * (0.5 + Math.random()), deadline - now)))
      }
    }
  }

  let closed = false
  try {
    await locking(() => {
      db.pragma('journal_mode = WAL')
      db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`)
      db.exec(
        `CREATE TABLE IF NOT EXISTS ${table} (
           id TEXT PRIMARY KEY NOT NULL,
           secret BLOB NOT NULL,
           params TEXT NOT NULL,
           state TEXT NOT NULL,
           version INTEGER NOT NULL
         ) WITHOUT ROWID`,
      )
    })
  } catch (error) {
    db.close()
    // A file that is not a database (SQLITE_NOTADB) shows up here, at the first read.
    throw error instanceof OtpError && error.code !== 'STORE_UNAVAILABLE' ? error : openFailure(path, (error as Error).cause ?? error)
  }

  const insert = db.prepare(`INSERT INTO ${table} (id, secret, params, state, version) VALUES (?, ?, ?, ?, ?)`)
  const insertNew = db.prepare(`INSERT OR IGNORE INTO ${table} (id, secret, params, state, version) VALUES (?, ?, ?, ?, ?)`)
  const select = db.prepare(`SELECT secret, params, state, version FROM ${table} WHERE id = ?`)
  const update = db.prepare(`UPDATE ${table} SET state = ?, version = version + 1 WHERE id = ? AND version = ?`)
  const remove = db.prepare(`DELETE FROM ${table} WHERE id = ?`)
  const listIds = db.prepare(`SELECT id FROM ${table} ORDER BY id`)

  const read = (id: string): StoredToken | null => {
    const row = select.get(checkStoreId(id)) as Row | undefined
    if (row === undefined) return null
    return { id, secret: new Uint8Array(row.secret), params: row.params, state: row.state, version: row.version }
  }
  const compareAndSet = ({ id, version, state }: StateUpdate): boolean => update.run(state, checkStoreId(id), version).changes === 1
  const add = (token: StoredToken): void => {
    try {
      insert.run(checkStoreId(token.id), token.secret, token.params, token.state, token.version)
    } catch (error) {
      if (sqliteCode(error) === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new OtpError('TOKEN_EXISTS', `a token with id ${JSON.stringify(token.id)} is already enrolled`)
      }
      throw error
    }
  }
  // One read transaction sees one snapshot; one write transaction commits a whole chunk, or nothing.
  const readMany = db.transaction((ids: readonly string[]) => ids.map(read))
  const writeMany = db.transaction((updates: readonly StateUpdate[]) => updates.map(compareAndSet))
  // A whole batch of new tokens is one commit (one sync to disk), an id already taken skipped.
  const addMany = db.transaction((tokens: readonly StoredToken[]) =>
    tokens.map((token) => insertNew.run(checkStoreId(token.id), token.secret, token.params, token.state, token.version).changes === 1),
  )
  // The old token goes and the new one comes in one commit: a crash between them loses neither.
  const swap = db.transaction((token: StoredToken) => {
    const replaced = remove.run(checkStoreId(token.id)).changes === 1
    add(token)
    return replaced
  })

  return {
    async insert(token) {
      await locking(() => add(token))
    },
    async insertMany(tokens) {
      return locking(() => addMany.immediate(tokens))
    },
    async get(id) {
      return locking(() => read(id))
    },
    async getMany(ids) {
      return locking(() => readMany(ids))
    },
    async compareAndSet(update) {
      return locking(() => compareAndSet(update))
    },
    async compareAndSetMany(updates) {
      // IMMEDIATE takes the write lock up front: two processes never both read, then both try to write.
      return locking(() => writeMany.immediate(updates))
    },
    async replace(token) {
      return locking(() => swap.immediate(token))
    },
    async ids() {
      return locking(() => (listIds.all() as Array<{ id: string }>).map((row) => row.id))
    },
    async delete(id) {
      return locking(() => remove.run(checkStoreId(id)).changes === 1)
    },
    async close() {
      if (closed) return
      closed = true
      db.close()
    },
  }
}

function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : ''
}

/** SQLITE_BUSY (another connection holds the lock) and SQLITE_LOCKED (one in this connection's cache). */
function isBusy(error: unknown): boolean {
  const code = sqliteCode(error)
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')
}

/** An error of the driver as an OtpError: ours pass through, SQLite's become STORE_UNAVAILABLE. */
function storeFailure(path: string, error: unknown): OtpError {
  if (error instanceof OtpError) return error
  const code = sqliteCode(error)
  const reason = error instanceof Error ? error.message : String(error)
  return new OtpError('STORE_UNAVAILABLE', `the token database ${path} failed: ${reason}${code === '' ? '' : ` (${code})`}`, {
    cause: error,
  })
}

/** Why a database could not be opened, as one OtpError naming the path. */
function openFailure(path: string, cause: unknown): OtpError {
  if (cause instanceof OtpError) return cause
  const message = cause instanceof Error ? cause.message : String(cause)
  if (/bindings file|NODE_MODULE_VERSION|better_sqlite3\.node|invalid ELF|wrong ELF/i.test(message)) {
    return new OtpError(
      'STORE_DRIVER_MISSING',
      'better-sqlite3 is installed without a working native binding (its install script did not run, or ran for another Node.js): run `npm rebuild better-sqlite3`',
      { cause },
    )
  }
  const code = sqliteCode(cause)
  const reason = /directory does not exist/.test(message) ? 'its folder does not exist' : message
  return new OtpError('STORE_UNAVAILABLE', `cannot open the SQLite database ${path}: ${reason}${code === '' ? '' : ` (${code})`}`, {
    cause,
  })
}

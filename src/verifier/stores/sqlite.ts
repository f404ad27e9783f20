/**
 * The SQLite store, over better-sqlite3: the embedded default for the CLI and single servers. Several
 * processes may share one database file; SQLite's write lock makes each compare-and-set atomic across
 * them, and a transaction that a crash interrupts is rolled back whole.
 */
import { OtpError, describe } from '../../core/errors.js'
import type { StateUpdate, StoredToken, TokenStore } from '../store.js'

export interface SqliteStoreOptions {
  /** The table the tokens live in (created if missing). Default 'otp_tokens'. */
  table?: string
  /** How long to wait for another process's write lock, in milliseconds. Default 5000. */
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
 * Opens (or creates) a token database at `path` (':memory:' for a private in-memory one).
 * better-sqlite3 is loaded here, on first use, so that importing otp-wasm never needs it.
 */
export async function createSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<TokenStore> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new OtpError('INVALID_OPTIONS', `the SQLite store needs a database file path, got ${describe(path)}`)
  }
  const table = options.table ?? 'otp_tokens'
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(table)) {
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

  const Sqlite = await loadDriver()
  const db = new Sqlite(path, { timeout: busyTimeout })
  try {
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
  } catch (cause) {
    db.close()
    throw cause
  }

  const insert = db.prepare(`INSERT INTO ${table} (id, secret, params, state, version) VALUES (?, ?, ?, ?, ?)`)
  const select = db.prepare(`SELECT secret, params, state, version FROM ${table} WHERE id = ?`)
  const update = db.prepare(`UPDATE ${table} SET state = ?, version = version + 1 WHERE id = ? AND version = ?`)
  const remove = db.prepare(`DELETE FROM ${table} WHERE id = ?`)

  const read = (id: string): StoredToken | null => {
    const row = select.get(id) as Row | undefined
    if (row === undefined) return null
    return { id, secret: new Uint8Array(row.secret), params: row.params, state: row.state, version: row.version }
  }
  const compareAndSet = ({ id, version, state }: StateUpdate): boolean => update.run(state, id, version).changes === 1
  // One read transaction sees one snapshot; one write transaction commits a whole chunk, or nothing.
  const readMany = db.transaction((ids: readonly string[]) => ids.map(read))
  const writeMany = db.transaction((updates: readonly StateUpdate[]) => updates.map(compareAndSet))

  /** Runs a statement, turning "another process held the lock for all of busyTimeout" into STORE_CONFLICT. */
  const locking = <R>(fn: () => R): R => {
    try {
      return fn()
    } catch (error) {
      const code = (error as { code?: string }).code ?? ''
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
        throw new OtpError('STORE_CONFLICT', `the token database stayed locked by another connection for ${busyTimeout} ms`, {
          cause: error,
        })
      }
      throw error
    }
  }

  return {
    async insert(token) {
      try {
        locking(() => insert.run(token.id, token.secret, token.params, token.state, token.version))
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
          throw new OtpError('TOKEN_EXISTS', `a token with id ${JSON.stringify(token.id)} is already enrolled`)
        }
        throw error
      }
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
    async delete(id) {
      return locking(() => remove.run(id).changes === 1)
    },
    async close() {
      db.close()
    },
  }
}

async function loadDriver(): Promise<DatabaseConstructor> {
  // A computed specifier: bundlers and type checkers leave the optional package alone.
  const name = 'better-sqlite3'
  try {
    const module = (await import(name)) as { default: DatabaseConstructor }
    return module.default
  } catch (cause) {
    throw new OtpError('INVALID_OPTIONS', `the SQLite store needs the optional package better-sqlite3`, { cause })
  }
}

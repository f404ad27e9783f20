/**
 * The store key of `otp enroll` and `otp check`: the AES-GCM key the token database's secrets are
 * sealed with. It comes from --key-file, else OTP_STORE_KEY, else the key file beside the database
 * (`<db>.key`), which `otp enroll` creates for a new database. The key itself is never printed: every
 * message names only where a key was looked for and how long the text found there was.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, linkSync, readFileSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { UsageError } from './exit.js'

/** The environment variable holding the key as text. */
export const KEY_ENV = 'OTP_STORE_KEY'

/** AES-128, -192 and -256. */
const KEY_LENGTHS = [16, 24, 32]

/** Where the key is looked for, from the command line and the environment. */
export interface KeySources {
  /** --key-file, if given. */
  keyFile: string | undefined
  /** The database the key belongs to: its `<db>.key` is the default key file. */
  dbPath: string
  /** Whether a missing key may be created: only for a database that does not exist yet. */
  create: boolean
}

/** The key, and a line for stderr when it was just created. */
export interface StoreKey {
  key: Uint8Array
  created?: string
}

/** The key file `otp enroll` creates beside a new database. */
export function defaultKeyFile(dbPath: string): string {
  return `${dbPath}.key`
}

/** Finds (or, for a new database, creates) the store key. */
export function loadStoreKey(sources: KeySources): StoreKey {
  if (sources.keyFile !== undefined) return { key: readKeyFile(sources.keyFile) }
  const fromEnv = process.env[KEY_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return { key: parseKeyText(fromEnv, KEY_ENV) }
  const path = defaultKeyFile(sources.dbPath)
  removeStaleTemporaries(path)
  if (existsSync(path)) return { key: readKeyFile(path) }
  if (!sources.create) {
    throw new UsageError(
      `no store key: set ${KEY_ENV} or give --key-file (${path} does not exist, and a key file is made only with a new database)`,
    )
  }
  return createKeyFile(path)
}

/**
 * A key written as hex (32, 48 or 64 digits) or base64 of 16, 24 or 32 bytes. Hex is tried first:
 * 32 hex digits are also valid base64, of a different key.
 */
export function parseKeyText(text: string, where: string): Uint8Array {
  const body = text.trim()
  if (/^[0-9a-f]+$/i.test(body) && KEY_LENGTHS.includes(body.length / 2)) return Uint8Array.from(Buffer.from(body, 'hex'))
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(body)) {
    const bytes = Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
    // Buffer ignores a dangling character; the length check makes sure nothing was dropped.
    if (KEY_LENGTHS.includes(bytes.length) && Math.ceil((bytes.length * 4) / 3) === body.replace(/=+$/, '').length) {
      return Uint8Array.from(bytes)
    }
  }
  throw new UsageError(
    `${where} must hold the hex or base64 of a 16, 24 or 32-byte key (AES-GCM), got ${body.length} characters that are not one`,
  )
}

function readKeyFile(path: string): Uint8Array {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
    warnIfShared(path)
  } catch (error) {
    throw new UsageError(`cannot read the key file ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`)
  }
  return parseKeyText(text, `the key file ${path}`)
}

/** A key file others can read leaks every secret in the database to them: say so, as ssh does. */
function warnIfShared(path: string): void {
  if (process.platform === 'win32') return
  const mode = statSync(path).mode & 0o777
  if ((mode & 0o077) !== 0) {
    process.stderr.write(`warning: the key file ${path} is readable by other users (mode ${mode.toString(8)}): chmod 600 it\n`)
  }
}

/**
 * A new random 256-bit key in a new file, 0600. It is written whole under a temporary name, then
 * linked into place, which fails if the name is taken: two first enrolments racing end up with one
 * key, the one linked first, and neither can read a half-written file. The temporary file goes
 * whatever happens: on an error, on SIGINT, SIGTERM or SIGHUP (handled until it is gone, then
 * raised again), and after a SIGKILL, by the next enrolment (removeStaleTemporaries).
 */
function createKeyFile(path: string): StoreKey {
  const key = Uint8Array.from(randomBytes(32))
  const temporary = temporaryName(path, process.pid)
  const release = holdSignals(() => removeQuietly(temporary))
  try {
    try {
      writeFileSync(temporary, `${Buffer.from(key).toString('hex')}\n`, { mode: 0o600, flag: 'wx' })
      linkSync(temporary, path)
    } finally {
      removeQuietly(temporary)
    }
  } catch (error) {
    key.fill(0)
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST' && existsSync(path)) return { key: readKeyFile(path) }
    throw new UsageError(`cannot create the key file ${path} (${code ?? 'write failed'})`)
  } finally {
    release()
  }
  return {
    key,
    created: `created the store key ${path} (mode 600): keep it with the database, whose secrets cannot be opened without it`,
  }
}

/**
 * Removes a key file `otp enroll` has just created, when the database it was made for could not be
 * created after all: a key beside no database would only confuse the next enrolment. Only while no
 * database exists: once one does, its secrets may be sealed with this key.
 */
export function removeCreatedKeyFile(dbPath: string): void {
  if (!existsSync(dbPath)) removeQuietly(defaultKeyFile(dbPath))
}

function temporaryName(path: string, pid: number): string {
  return `${path}.${pid}.tmp`
}

/** Removes the temporary key files of enrolments that were killed (their process is gone). */
function removeStaleTemporaries(path: string): void {
  const prefix = `${basename(path)}.`
  let names: string[]
  try {
    names = readdirSync(dirname(path))
  } catch {
    return
  }
  for (const name of names) {
    const pid = name.startsWith(prefix) && name.endsWith('.tmp') ? name.slice(prefix.length, -'.tmp'.length) : ''
    if (/^\d+$/.test(pid) && Number(pid) !== process.pid && !isRunning(Number(pid))) removeQuietly(join(dirname(path), name))
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    // Already gone (or never made).
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/**
 * Until release() is called, SIGINT, SIGTERM and SIGHUP run `cleanup` first and then end the process
 * as the signal would have. A signal that arrives during the synchronous work reaches JavaScript only
 * when the event loop next polls for I/O, and is lost if no handler is installed by then: so the
 * handlers stay until a whole loop iteration has passed (two immediates: whatever phase release() is
 * called in, a poll phase comes between them).
 */
function holdSignals(cleanup: () => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    cleanup()
    for (const name of SIGNALS) process.off(name, handler)
    process.kill(process.pid, signal)
  }
  for (const name of SIGNALS) process.on(name, handler)
  return () => {
    setImmediate(() => {
      setImmediate(() => {
        for (const name of SIGNALS) process.off(name, handler)
      }).unref()
    }).unref()
  }
}

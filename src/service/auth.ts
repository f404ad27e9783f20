/**
 * API keys of the service. A key is 32 random bytes, shown once when made (`otp apikey create`) as
 * `otpk_` + base64url; the key file keeps only its SHA-256, its name and its scopes, so a leaked file
 * lets nobody in. A request names its key as `Authorization: Bearer KEY`: the key's hash is compared
 * with every stored hash in constant time, and the route's scope must be among the key's. Keys are
 * not remembered between requests: only their hashes stay in memory.
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { OtpError, describe } from '../core/errors.js'
import { ServiceError } from './errors.js'

/** What a key may do: `verify` (POST /v1/verify, /v1/verify/batch) and `admin` (/v1/tokens...). */
export type Scope = 'verify' | 'admin'
export const SCOPES: readonly Scope[] = ['verify', 'admin']

/** One key as the key file stores it. */
export interface ApiKeyRecord {
  readonly name: string
  /** SHA-256 of the whole key text, hex. */
  readonly sha256: string
  readonly scopes: readonly Scope[]
  /** When it was made, ISO 8601. */
  readonly created: string
}

/** The key that authenticated a request. */
export interface ApiClient {
  readonly name: string
  readonly scopes: readonly Scope[]
}

const PREFIX = 'otpk_'
/** The most keys a file may hold; every request compares against all of them. */
const MAX_KEYS = 1000
const NAME = /^[A-Za-z0-9._@-]{1,64}$/

/** The keys a service accepts. */
export interface KeyRing {
  readonly size: number
  /** The client whose key the Authorization header carries; throws ServiceError 401 otherwise. */
  authenticate(authorization: string | undefined): ApiClient
  /** Throws ServiceError 403 unless the client has `scope`. */
  authorize(client: ApiClient, scope: Scope): void
}

/** Reads a key file (see createApiKey). Throws OtpError('INVALID_OPTIONS') naming what is wrong. */
export function loadKeyRing(path: string): KeyRing {
  const records = readKeyFile(path, false)
  if (records.length === 0) throw new OtpError('INVALID_OPTIONS', `the API key file ${path} holds no key: add one with otp apikey create`)
  return keyRing(records)
}

/** A key ring over records (for tests and embedding). */
export function keyRing(records: readonly ApiKeyRecord[]): KeyRing {
  const hashes = records.map((record) => Buffer.from(record.sha256, 'hex'))
  return {
    size: records.length,
    authenticate(authorization) {
      const match = authorization === undefined ? null : /^Bearer +(\S+) *$/i.exec(authorization)
      if (match === null) throw new ServiceError(401, 'UNAUTHORIZED', 'send an API key as Authorization: Bearer KEY')
      const given = sha256(match[1]!)
      // Every stored hash is compared, so the time taken says nothing about which one matched.
      let found = -1
      for (let i = 0; i < hashes.length; i++) if (timingSafeEqual(hashes[i]!, given) && found < 0) found = i
      if (found < 0) throw new ServiceError(401, 'UNAUTHORIZED', "the API key is not one of this service's keys")
      return records[found]!
    },
    authorize(client, scope) {
      if (!client.scopes.includes(scope)) {
        throw new ServiceError(403, 'FORBIDDEN', `the API key ${JSON.stringify(client.name)} lacks the scope '${scope}' this route needs`)
      }
    },
  }
}

/**
 * Makes a new key named `name` with `scopes`, adds its hash to the key file at `path` (created if
 * missing; written whole under a temporary name, then renamed into place; mode 600) and returns the
 * key, which is not stored anywhere: show it once.
 */
export function createApiKey(path: string, name: string, scopes: readonly string[]): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new OtpError('INVALID_OPTIONS', `the key name must be 1 to 64 letters, digits or . _ @ -, got ${describe(name)}`)
  }
  const checked = checkScopes(scopes)
  const records = existsSync(path) ? readKeyFile(path, true) : []
  if (records.some((record) => record.name === name)) {
    throw new OtpError('INVALID_OPTIONS', `the API key file ${path} already has a key named ${JSON.stringify(name)}`)
  }
  if (records.length >= MAX_KEYS) throw new OtpError('INVALID_OPTIONS', `the API key file ${path} already holds ${MAX_KEYS} keys`)
  const key = PREFIX + randomBytes(32).toString('base64url')
  records.push({ name, sha256: sha256(key).toString('hex'), scopes: checked, created: new Date().toISOString() })
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, `${JSON.stringify({ version: 1, keys: records }, null, 2)}\n`, { mode: 0o600 })
  chmodSync(temporary, 0o600)
  renameSync(temporary, path)
  return key
}

/** One-shot: on every request, without the Hash object createHash would make. */
function sha256(text: string): Buffer {
  return hash('sha256', text, 'buffer')
}

function checkScopes(scopes: readonly unknown[]): Scope[] {
  if (!Array.isArray(scopes) || scopes.length === 0)
    throw new OtpError('INVALID_OPTIONS', `scopes must list one or more of ${SCOPES.join(', ')}`)
  const out: Scope[] = []
  for (const scope of scopes) {
    if (!SCOPES.includes(scope as Scope)) {
      throw new OtpError(
        'INVALID_OPTIONS',
        `scope ${typeof scope === 'string' && scope.length <= 16 ? JSON.stringify(scope) : describe(scope)} is not one of ${SCOPES.join(', ')}`,
      )
    }
    if (!out.includes(scope as Scope)) out.push(scope as Scope)
  }
  return out
}

/** The records of a key file; `forWriting` only changes the wording of errors. */
function readKeyFile(path: string, forWriting: boolean): ApiKeyRecord[] {
  const what = `the API key file ${path}`
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new OtpError('INVALID_OPTIONS', `cannot read ${what} (${code ?? 'not JSON'})${forWriting ? ': fix or move it first' : ''}`)
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys
  if (!Array.isArray(keys)) throw new OtpError('INVALID_OPTIONS', `${what} must be a JSON object with a "keys" list`)
  return keys.map((entry: unknown, i) => {
    const record = entry as Partial<ApiKeyRecord> | null
    if (
      record === null ||
      typeof record !== 'object' ||
      typeof record.name !== 'string' ||
      typeof record.sha256 !== 'string' ||
      !/^[0-9a-f]{64}$/.test(record.sha256) ||
      !Array.isArray(record.scopes)
    ) {
      throw new OtpError('INVALID_OPTIONS', `${what}: keys[${i}] must have a name, a sha256 (64 hex digits) and scopes`)
    }
    return { name: record.name, sha256: record.sha256, scopes: checkScopes(record.scopes), created: String(record.created ?? '') }
  })
}

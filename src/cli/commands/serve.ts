/**
 * `otp serve`: the verifier as an HTTP service (src/service), for identity providers written in any
 * language. Tokens live in a SQLite file by default (nothing else to install), or in a Redis or a
 * Redis Cluster shared by a fleet of instances. The store key is found as `otp enroll` finds it.
 * Fastify and the service load only when this command runs.
 */
import { existsSync } from 'node:fs'
import { createRedisStore, createVerifier, type TokenStore, type Verifier } from '../../verifier/index.js'
import { expectPositionals, parseChoice, parseCommandLine, parseInteger } from '../args.js'
import type { Command } from '../command.js'
import { EXIT_OK, UsageError } from '../exit.js'
import { KEY_ENV, loadStoreKey, parseKeyText, removeCreatedKeyFile } from '../store-key.js'
import { DB_HELP, DB_OPTION, KEY_FILE_HELP, KEY_FILE_OPTION, dbPath, openStore } from '../token-db.js'

/** The environment variable naming the API key file. */
export const API_KEYS_ENV = 'OTP_API_KEYS'
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const
/**
 * Tokens whose prepared keys `otp serve` keeps by default (the verifier's keyCache). The process
 * holds the sealing key, which opens every secret in the store, for as long as it runs; the prepared
 * keys of the users verified lately add little to what its memory already gives away, and save each
 * repeat verification its AES-GCM opening and HMAC key setup. About 1.5 KB a token (15 MB for the
 * default), each entry wiped when it is evicted.
 */
const DEFAULT_KEY_CACHE = 10_000

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  ...DB_OPTION,
  redis: { type: 'string' },
  'redis-cluster': { type: 'string' },
  ...KEY_FILE_OPTION,
  'api-keys': { type: 'string' },
  'rate-limit': { type: 'string' },
  'body-limit': { type: 'string' },
  'request-timeout': { type: 'string' },
  'key-cache': { type: 'string' },
  'log-level': { type: 'string' },
} as const

export const serveCommand: Command = {
  name: 'serve',
  help: `Usage: otp serve [--host 127.0.0.1] [--port 8080] [--db FILE | --redis URL | --redis-cluster URL,...]
                 [--key-file FILE] [--api-keys FILE] [options]

Serves the token verifier over HTTP: a JSON API under /v1 (enrol, import, inspect, remove,
unlock, resync, verify, verify/batch), /healthz, /readyz, /metrics (Prometheus) and
/openapi.json, which describes every route. Requests carry an API key made with
'otp apikey create', as Authorization: Bearer KEY. Logs are JSON lines on standard output,
with no secret, code or key in them. SIGTERM or SIGINT stops it gracefully: the requests in
flight finish, then the store closes.

Options:
  --host H           address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --port P           port (default 8080; 0 for any free one)
${DB_HELP}
  --redis URL        keep tokens in Redis (redis://[:password@]host:port/db), for a fleet
  --redis-cluster U  keep tokens in a Redis Cluster: comma-separated redis:// URLs of some nodes
${KEY_FILE_HELP}
                     With --redis or --redis-cluster: --key-file or $${KEY_ENV}, required.
  --api-keys FILE    the API key file (default: $${API_KEYS_ENV}); required
  --rate-limit N     requests per minute per API key (default 6000; 0: no limit)
  --body-limit N     largest JSON body in bytes (default 65536; imports take up to 16 MiB)
  --request-timeout S  seconds a request may take to arrive whole (default 120)
  --key-cache N      keep the prepared keys of the N tokens verified most recently in memory,
                     skipping their decryption and key setup when they verify again (default
                     ${DEFAULT_KEY_CACHE}; 0: every verification opens its sealed secret and wipes it after)
  --log-level L      fatal, error, warn, info (default), debug or silent
  -h, --help         show this help

Exit status: 0 after a graceful stop, 2 on a usage or start-up error.`,

  async run(argv) {
    const { values, positionals } = parseCommandLine(argv, OPTIONS)
    expectPositionals(positionals, [])
    const host = values.host ?? '127.0.0.1'
    const port = values.port === undefined ? 8080 : parseInteger(values.port, '--port', 0, 65535)
    const rateLimit = values['rate-limit'] === undefined ? 6000 : parseInteger(values['rate-limit'], '--rate-limit', 0, 1_000_000_000)
    const bodyLimit = values['body-limit'] === undefined ? 65536 : parseInteger(values['body-limit'], '--body-limit', 1024, 1 << 30)
    const timeout = values['request-timeout'] === undefined ? 120 : parseInteger(values['request-timeout'], '--request-timeout', 1, 86400)
    const keyCache = values['key-cache'] === undefined ? DEFAULT_KEY_CACHE : parseInteger(values['key-cache'], '--key-cache', 0, 10_000_000)
    const level = values['log-level'] === undefined ? 'info' : parseChoice(values['log-level'], '--log-level', LOG_LEVELS)
    const stores = [values.db, values.redis, values['redis-cluster']].filter((value) => value !== undefined)
    if (stores.length > 1) throw new UsageError('give one of --db, --redis and --redis-cluster')
    const keyFile = keyFileOption(values['key-file'])
    const apiKeys = values['api-keys'] ?? process.env[API_KEYS_ENV]
    if (apiKeys === undefined || apiKeys === '') {
      throw new UsageError(
        `give --api-keys FILE (or set $${API_KEYS_ENV}); make a key with: otp apikey create --name NAME --scopes verify --file FILE`,
      )
    }
    if (!existsSync(apiKeys)) throw new UsageError(`no API key file at ${apiKeys}: make one with otp apikey create --file ${apiKeys}`)

    // Everything that can fail before the store opens is checked first.
    const service = await import('../../service/index.js')
    const keys = service.loadKeyRing(apiKeys)
    const { verifier, where } = await openVerifier(values, keyFile, keyCache)
    await service.runService({
      verifier,
      keys,
      host,
      port,
      rateLimit,
      bodyLimit,
      requestTimeout: timeout * 1000,
      log: level === 'silent' ? false : { level },
      onListening: (url) =>
        process.stderr.write(`otp serve: listening on ${url} (${where}, ${keys.size} API key${keys.size === 1 ? '' : 's'})\n`),
      release: () => verifier.close(),
    })
    return EXIT_OK
  },
}

/** --key-file names a file that exists; a key pasted there instead is refused without being shown. */
function keyFileOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  if (existsSync(value)) return value
  let isKey = false
  try {
    parseKeyText(value, '--key-file')
    isKey = true
  } catch {
    // Not a key: a file name, which may be shown.
  }
  throw new UsageError(
    isKey
      ? `--key-file expects the name of a file holding the store key, not the key itself (not shown); to give the key as text, set ${KEY_ENV}`
      : `--key-file: no key file at ${JSON.stringify(value.slice(0, 200))}`,
  )
}

interface StoreValues {
  db?: string
  redis?: string
  'redis-cluster'?: string
}

/** The verifier over the chosen store, which it owns: closing the verifier closes the store. */
async function openVerifier(
  values: StoreValues,
  keyFile: string | undefined,
  keyCache: number,
): Promise<{ verifier: Verifier; where: string }> {
  let store: TokenStore
  let key: Uint8Array
  let where: string
  if (values.redis !== undefined || values['redis-cluster'] !== undefined) {
    if (keyFile === undefined && !process.env[KEY_ENV]) {
      throw new UsageError(
        `a Redis store needs its store key: give --key-file or set ${KEY_ENV} (every instance of a fleet uses the same key)`,
      )
    }
    key = loadStoreKey({ keyFile, dbPath: '', create: false }).key
    try {
      if (values.redis !== undefined) {
        store = await createRedisStore({ url: values.redis })
        where = 'Redis'
      } else {
        const nodes = values['redis-cluster']!.split(',')
          .map((node) => node.trim())
          .filter((node) => node !== '')
        if (nodes.length === 0) throw new UsageError('--redis-cluster expects comma-separated redis:// URLs')
        store = await createRedisStore({ cluster: nodes })
        where = `Redis Cluster, ${nodes.length} seed node${nodes.length === 1 ? '' : 's'}`
      }
    } catch (error) {
      key.fill(0)
      throw error
    }
  } else {
    // As otp enroll: a new database gets a new key file beside it; an existing one never does.
    const db = dbPath(values.db)
    const isNew = !existsSync(db)
    const loaded = loadStoreKey({ keyFile, dbPath: db, create: isNew })
    key = loaded.key
    try {
      store = await openStore(db, true)
    } catch (error) {
      key.fill(0)
      if (loaded.created !== undefined) removeCreatedKeyFile(db)
      throw error
    }
    if (loaded.created !== undefined) process.stderr.write(`${loaded.created}\n`)
    where = `SQLite ${db}`
  }
  try {
    return { verifier: createVerifier({ store, key, ownsStore: true, ...(keyCache > 0 ? { keyCache: { size: keyCache } } : {}) }), where }
  } catch (error) {
    await store.close()
    throw error
  } finally {
    // The sealer keeps its own copy of the key.
    key.fill(0)
  }
}

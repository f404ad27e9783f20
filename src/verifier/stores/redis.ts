/**
 * The Redis store, over ioredis: one Redis serves a fleet of verifier processes on many machines.
 * Every read and write is a Lua script (redis-scripts.ts), so the version check and the write are one
 * atomic step on the server, whichever client sends them. A batch goes as a few many-key script calls
 * sent back to back on one connection: one round trip, and one command per few hundred tokens.
 *
 * Outages: while Redis cannot be reached, every call fails at once with OtpError('STORE_UNAVAILABLE')
 * (no queue of commands waiting for a server that may not come back, and no command sent twice: a
 * compare-and-set resent after a reconnect would see its own write and report a lost race), and the
 * connection comes back by itself when Redis does. Connection errors go to `onError`, if given, and
 * are never printed. An idle store does not keep the process alive.
 */
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis'
import { OtpError, describe } from '../../core/errors.js'
import { checkStoreId, type StateUpdate, type StoredToken, type TokenStore } from '../store.js'
import { loadOptionalDriver } from './driver.js'
import { CAS_SCRIPT, INSERT_SCRIPT, READ_SCRIPT, REPLACE_SCRIPT } from './redis-scripts.js'

export interface RedisStoreOptions {
  /**
   * A connected ioredis client (Redis or Cluster) to use; the store leaves it open on close(), and
   * leaves its options and events (reconnection, error logging) to the caller.
   */
  client?: Redis | Cluster
  /** Otherwise: a redis:// URL, or ioredis options, for a connection the store opens and closes. */
  url?: string
  redis?: RedisOptions
  /**
   * Or a Redis Cluster: redis:// URLs of some of its nodes (the rest are discovered), for a cluster
   * connection (ioredis Cluster) the store opens and closes. `redis` then applies to each node's
   * connection. Every script names the keys of one token only, so each runs on that token's node.
   */
  cluster?: readonly string[]
  /**
   * How long createRedisStore waits for its own connection to be ready, in milliseconds, before it
   * fails with OtpError('STORE_UNAVAILABLE'). Default 2000. Also the limit of each reconnection attempt.
   */
  connectTimeout?: number
  /**
   * Called with each error of the store's own connection (refused, reset, timed out), for logging.
   * Default: none, and nothing is printed. Calls fail with STORE_UNAVAILABLE either way.
   */
  onError?: (error: Error) => void
  /** Prefix of every token's key. Default 'otp:token:'. */
  prefix?: string
  /**
   * Tokens per script call in getMany / compareAndSetMany (a cluster always uses 1). Default 512,
   * the verifier's chunk: one call each way per chunk.
   */
  keysPerScript?: number
}

/** The scripted commands, as ioredis's defineCommand adds them: the key count comes first. */
interface Scripted {
  otpInsert(key: string, secret: Buffer, params: string, state: string, version: string): Promise<number>
  otpReplace(key: string, secret: Buffer, params: string, state: string, version: string): Promise<number>
  otpCas(keyCount: number, ...keysThenArgs: string[]): Promise<number[]>
  otpReadBuffer(keyCount: number, ...keys: string[]): Promise<Array<Buffer | null>>
}

/** The parts of an ioredis client beyond its typings that the store's own connection uses. */
interface Connection {
  stream?: { ref(): void; unref(): void }
  reconnectTimeout?: { unref(): void } | null
}

const NEWLINE = 0x0a

/**
 * Creates a Redis token store. ioredis, an optional peer dependency, is loaded here, on first use,
 * and only when the store has to open its own connection. Close the store with close() (or hand it
 * to createVerifier with `ownsStore: true` and close the verifier).
 *
 * @example
 * const store = await createRedisStore({ url: 'redis://10.0.0.5:6379' })
 * const verifier = createVerifier({ store, ownsStore: true, key })
 * try { await verifier.verify('alice', code) } finally { await verifier.close() }
 *
 * @throws OtpError STORE_UNAVAILABLE when Redis cannot be reached within `connectTimeout` (the
 *   message names the host and port, never a password); STORE_DRIVER_MISSING when ioredis is not
 *   installed; INVALID_OPTIONS for bad options.
 */
export async function createRedisStore(options: RedisStoreOptions = {}): Promise<TokenStore> {
  if (options === null || typeof options !== 'object') {
    throw new OtpError('INVALID_OPTIONS', `Redis store options must be an object, got ${describe(options)}`)
  }
  const prefix = options.prefix ?? 'otp:token:'
  if (typeof prefix !== 'string') throw new OtpError('INVALID_OPTIONS', `prefix must be a string, got ${describe(prefix)}`)
  const scriptKeys = options.keysPerScript ?? 512
  if (!Number.isInteger(scriptKeys) || scriptKeys < 1) {
    throw new OtpError('INVALID_OPTIONS', `keysPerScript must be a whole number above 0, got ${describe(scriptKeys)}`)
  }
  const connectTimeout = options.connectTimeout ?? 2000
  if (!Number.isInteger(connectTimeout) || connectTimeout < 1) {
    throw new OtpError('INVALID_OPTIONS', `connectTimeout must be a whole number of milliseconds above 0, got ${describe(connectTimeout)}`)
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new OtpError('INVALID_OPTIONS', `onError must be a function, got ${describe(options.onError)}`)
  }
  if (options.cluster !== undefined) {
    if (
      !Array.isArray(options.cluster) ||
      options.cluster.length === 0 ||
      options.cluster.some((node) => typeof node !== 'string' || node === '')
    ) {
      throw new OtpError('INVALID_OPTIONS', `cluster must be a non-empty list of redis:// node URLs, got ${describe(options.cluster)}`)
    }
    if (options.url !== undefined || options.client !== undefined) {
      throw new OtpError('INVALID_OPTIONS', 'give one of client, url and cluster')
    }
  }
  const owned = options.client === undefined
  const client = options.client ?? (await connect(options, connectTimeout))
  client.defineCommand('otpInsert', { numberOfKeys: 1, lua: INSERT_SCRIPT })
  client.defineCommand('otpReplace', { numberOfKeys: 1, lua: REPLACE_SCRIPT })
  client.defineCommand('otpCas', { lua: CAS_SCRIPT })
  client.defineCommand('otpRead', { lua: READ_SCRIPT, readOnly: true })
  const scripted = client as unknown as Scripted
  // A script may only touch keys of one cluster node: on a cluster, each call names one token.
  const perCall = client.isCluster ? 1 : scriptKeys
  const where = owned ? serverName(client, options.cluster) : 'Redis'

  // The store's own connection holds the process open only while a call is waiting for Redis.
  let pending = 0
  const connection = client as unknown as Connection
  const settle = () => {
    if (--pending === 0 && owned) connection.stream?.unref()
  }
  /** Runs one call to Redis: the connection held meanwhile, its failures as OtpError. */
  const call = async <R>(run: () => Promise<R>): Promise<R> => {
    if (pending++ === 0 && owned) connection.stream?.ref()
    try {
      return await run()
    } catch (error) {
      if (error instanceof OtpError) throw error
      const reason = error instanceof Error ? error.message : String(error)
      throw new OtpError('STORE_UNAVAILABLE', `${where} is unavailable: ${reason}`, { cause: error })
    } finally {
      settle()
    }
  }
  if (owned) {
    // A connection made while nothing was pending (a reconnect) must not hold the process either;
    // nor must the timer of the next reconnection attempt.
    client.on('ready', () => pending === 0 && connection.stream?.unref())
    client.on('reconnecting', () => queueMicrotask(() => connection.reconnectTimeout?.unref()))
    connection.stream?.unref()
  }

  const key = (id: string) => prefix + checkStoreId(id)

  /** `version \n state \n params \n secret`, as READ_SCRIPT joins them. */
  const toToken = (id: string, reply: Buffer | null): StoredToken | null => {
    if (reply === null) return null
    const a = reply.indexOf(NEWLINE)
    const b = reply.indexOf(NEWLINE, a + 1)
    const c = reply.indexOf(NEWLINE, b + 1)
    return {
      id,
      version: Number(reply.toString('latin1', 0, a)),
      state: reply.toString('utf8', a + 1, b),
      params: reply.toString('utf8', b + 1, c),
      secret: reply.subarray(c + 1),
    }
  }

  /** Calls a many-key script over `items` in slices of perCall keys, all sent at once, in order. */
  const sliced = <T, R>(items: readonly T[], run: (slice: readonly T[]) => Promise<R[]>): Promise<R[]> =>
    call(async () => {
      // One call (a batch of up to perCall tokens, as the service's groups are): no gathering.
      if (items.length === 0) return []
      if (items.length <= perCall) return run(items)
      const calls: Array<Promise<R[]>> = []
      for (let start = 0; start < items.length; start += perCall) calls.push(run(items.slice(start, start + perCall)))
      return (await Promise.all(calls)).flat()
    })

  const read = (ids: readonly string[]) =>
    sliced(ids, async (slice) => {
      const replies = await scripted.otpReadBuffer(slice.length, ...slice.map(key))
      return slice.map((id, i) => toToken(id, replies[i] ?? null))
    })

  const cas = (updates: readonly StateUpdate[]) =>
    sliced(updates, async (slice) => {
      let packed = ''
      for (const u of slice) {
        // The packing ends each field with a newline; the verifier's states never hold one.
        if (u.state.includes('\n')) throw new OtpError('INVALID_RECORD', `the state of token ${JSON.stringify(u.id)} holds a newline`)
        packed += `${u.version}\n${u.state}\n`
      }
      return (await scripted.otpCas(slice.length, ...slice.map((u) => key(u.id)), packed)).map((done) => done === 1)
    })

  /** The fields of a new token; ioredis sends a Buffer as bytes, but any other Uint8Array as its String() form. */
  const fields = (token: StoredToken) =>
    [
      key(token.id),
      Buffer.from(token.secret.buffer, token.secret.byteOffset, token.secret.byteLength),
      token.params,
      token.state,
      String(token.version),
    ] as const

  let closed = false
  return {
    async insert(token) {
      const added = await call(() => scripted.otpInsert(...fields(token)))
      if (added !== 1) {
        throw new OtpError('TOKEN_EXISTS', `a token with id ${JSON.stringify(token.id)} is already enrolled`)
      }
    },
    async insertMany(tokens) {
      const args = tokens.map(fields)
      if (args.length === 0) return []
      // A cluster: one script call per token, all sent at once (each goes to its token's node).
      if (client.isCluster)
        return call(async () => (await Promise.all(args.map((a) => scripted.otpInsert(...a)))).map((added) => added === 1))
      // One Redis: the calls in one pipeline, one round trip; each script stays atomic on its own.
      return call(async () => {
        const pipeline = client.pipeline() as unknown as Scripted & { exec(): Promise<Array<[Error | null, unknown]> | null> }
        for (const a of args) pipeline.otpInsert(...a)
        const replies = await pipeline.exec()
        if (replies === null) throw new Error('the pipeline was discarded')
        return replies.map(([error, added]) => {
          if (error !== null) throw error
          return added === 1
        })
      })
    },
    async get(id) {
      return (await read([id]))[0]!
    },
    getMany: read,
    async compareAndSet(update) {
      return (await cas([update]))[0]!
    },
    compareAndSetMany: cas,
    async replace(token) {
      return (await call(() => scripted.otpReplace(...fields(token)))) === 1
    },
    async ids() {
      return call(async () => {
        // SCAN on each node that holds keys (each master of a cluster), matching the prefix as written.
        const nodes = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis]
        const match = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`
        const found: string[] = []
        for (const node of nodes) {
          let cursor = '0'
          do {
            const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 1000)
            cursor = next
            for (const k of keys) found.push(k.slice(prefix.length))
          } while (cursor !== '0')
        }
        return found.sort()
      })
    },
    async delete(id) {
      return (await call(() => client.del(key(id)))) === 1
    },
    async close() {
      if (!owned || closed) return
      closed = true
      // QUIT lets the calls in flight finish; a connection that is down is simply dropped. The idle
      // connection is unref'd: ref it while QUIT is pending, or the process could exit awaiting it.
      if (client.status === 'ready') {
        connection.stream?.ref()
        await client.quit().catch(() => client.disconnect())
      } else client.disconnect()
    },
  }
}

/** `Redis at host:port` (or at its socket path, or `Redis Cluster at host:port, ...`): never a URL, which may hold a password. */
function serverName(client: Redis | Cluster, cluster?: readonly string[]): string {
  if (cluster !== undefined) return `Redis Cluster at ${cluster.map(hostAndPort).join(', ')}`
  const { host, port, path } = (client as Redis).options
  return path ? `Redis at ${path}` : `Redis at ${host ?? 'localhost'}:${port ?? 6379}`
}

/** `host:port` of a node URL, without its password. */
function hostAndPort(url: string): string {
  try {
    const { hostname, port } = new URL(url)
    return `${hostname}:${port || 6379}`
  } catch {
    return 'a node'
  }
}

/** Opens the store's own connection, ready within connectTimeout, or fails and leaves nothing running. */
async function connect(options: RedisStoreOptions, connectTimeout: number): Promise<Redis | Cluster> {
  type ClusterConstructor = new (nodes: string[], options: ClusterOptions) => Cluster
  const RedisClient = await loadOptionalDriver<(new (...args: unknown[]) => Redis) & { Cluster: ClusterConstructor }>(
    'ioredis',
    'the Redis store',
  )
  const redisOptions: RedisOptions = {
    connectTimeout,
    // Fail calls at once while disconnected, and never send one twice (see the header).
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    ...options.redis,
    lazyConnect: true,
  }
  const client =
    options.cluster !== undefined
      ? new RedisClient.Cluster([...options.cluster], {
          // The cluster's own queue waits out slot moves and failovers; each node fails at once while down.
          enableOfflineQueue: false,
          lazyConnect: true,
          slotsRefreshTimeout: connectTimeout,
          redisOptions,
        })
      : options.url !== undefined
        ? new RedisClient(options.url, redisOptions)
        : new RedisClient(redisOptions)
  let lastError: Error | undefined
  // Without a listener, ioredis prints every connection error to the console.
  client.on('error', (error: Error) => {
    lastError = error
    options.onError?.(error)
  })
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(reject, connectTimeout)
      const done = (error?: unknown) => {
        clearTimeout(timer)
        client.off('ready', done)
        client.off('end', done)
        if (client.status === 'ready') resolve()
        else reject(error)
      }
      client.once('ready', done)
      // A retryStrategy of the caller's that gives up ends the connection before the timeout.
      client.once('end', done)
      // connect() rejects at the first failed attempt; ioredis goes on trying until ready or given up.
      client.connect().catch(() => {})
    })
  } catch {
    client.disconnect()
    const reason = lastError === undefined ? '' : ` (${(lastError as { code?: string }).code ?? lastError.message})`
    throw new OtpError('STORE_UNAVAILABLE', `cannot reach ${serverName(client, options.cluster)} within ${connectTimeout} ms${reason}`, {
      cause: lastError,
    })
  }
  return client
}

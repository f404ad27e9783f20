/**
 * The Redis store, over ioredis: one Redis serves a fleet of verifier processes on many machines.
 * Every read and write is a Lua script (redis-scripts.ts), so the version check and the write are one
 * atomic step on the server, whichever client sends them. A batch goes as a few many-key script calls
 * sent back to back on one connection: one round trip, and one command per few hundred tokens.
 */
import type { Cluster, Redis, RedisOptions } from 'ioredis'
import { OtpError, describe } from '../../core/errors.js'
import type { StateUpdate, StoredToken, TokenStore } from '../store.js'
import { CAS_SCRIPT, INSERT_SCRIPT, READ_SCRIPT } from './redis-scripts.js'

export interface RedisStoreOptions {
  /** A connected ioredis client (Redis or Cluster) to use; the store leaves it open on close(). */
  client?: Redis | Cluster
  /** Otherwise: a redis:// URL, or ioredis options, for a connection the store opens and closes. */
  url?: string
  redis?: RedisOptions
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
  otpCas(keyCount: number, ...keysThenArgs: string[]): Promise<number[]>
  otpReadBuffer(keyCount: number, ...keys: string[]): Promise<Array<Buffer | null>>
}

const NEWLINE = 0x0a

/**
 * Creates a Redis token store. ioredis is loaded here, on first use, and only when the store has to
 * open its own connection.
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
  const owned = options.client === undefined
  const client = options.client ?? (await connect(options))
  client.defineCommand('otpInsert', { numberOfKeys: 1, lua: INSERT_SCRIPT })
  client.defineCommand('otpCas', { lua: CAS_SCRIPT })
  client.defineCommand('otpRead', { lua: READ_SCRIPT, readOnly: true })
  const scripted = client as unknown as Scripted
  // A script may only touch keys of one cluster node: on a cluster, each call names one token.
  const perCall = client.isCluster ? 1 : scriptKeys

  const key = (id: string) => prefix + id

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
  const sliced = async <T, R>(items: readonly T[], call: (slice: readonly T[]) => Promise<R[]>): Promise<R[]> => {
    const calls: Array<Promise<R[]>> = []
    for (let start = 0; start < items.length; start += perCall) calls.push(call(items.slice(start, start + perCall)))
    return (await Promise.all(calls)).flat()
  }

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

  return {
    async insert(token) {
      // ioredis sends a Buffer as bytes, but any other Uint8Array as its String() form.
      const secret = Buffer.from(token.secret.buffer, token.secret.byteOffset, token.secret.byteLength)
      const added = await scripted.otpInsert(key(token.id), secret, token.params, token.state, String(token.version))
      if (added !== 1) {
        throw new OtpError('TOKEN_EXISTS', `a token with id ${JSON.stringify(token.id)} is already enrolled`)
      }
    },
    async get(id) {
      return (await read([id]))[0]!
    },
    getMany: read,
    async compareAndSet(update) {
      return (await cas([update]))[0]!
    },
    compareAndSetMany: cas,
    async delete(id) {
      return (await client.del(key(id))) === 1
    },
    async close() {
      if (owned) await client.quit()
    },
  }
}

async function connect(options: RedisStoreOptions): Promise<Redis> {
  // A computed specifier: bundlers and type checkers leave the optional package alone.
  const name = 'ioredis'
  let RedisClient: new (...args: unknown[]) => Redis
  try {
    RedisClient = ((await import(name)) as { default: new (...args: unknown[]) => Redis }).default
  } catch (cause) {
    throw new OtpError('INVALID_OPTIONS', 'the Redis store needs the optional package ioredis', { cause })
  }
  const redisOptions: RedisOptions = { lazyConnect: true, ...options.redis }
  const client = options.url !== undefined ? new RedisClient(options.url, redisOptions) : new RedisClient(redisOptions)
  await client.connect()
  return client
}

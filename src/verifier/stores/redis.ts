/**
 * The Redis store, over ioredis: one Redis serves a fleet of verifier processes on many machines.
 * Every write is a Lua script (redis-scripts.ts), so the version check and the write are one atomic
 * step on the server, whichever client sends them; batches travel as pipelines, one round trip per chunk.
 */
import type { Cluster, Redis, RedisOptions } from 'ioredis'
import { OtpError, describe } from '../../errors.js'
import type { StateUpdate, StoredToken, TokenStore } from '../store.js'
import { CAS_MANY_SCRIPT, CAS_SCRIPT, INSERT_SCRIPT } from './redis-scripts.js'

export interface RedisStoreOptions {
  /** A connected ioredis client (Redis or Cluster) to use; the store leaves it open on close(). */
  client?: Redis | Cluster
  /** Otherwise: a redis:// URL, or ioredis options, for a connection the store opens and closes. */
  url?: string
  redis?: RedisOptions
  /** Prefix of every token's key. Default 'otp:token:'. */
  prefix?: string
  /** Tokens per pipeline in getMany / compareAndSetMany. Default 2000. */
  chunkSize?: number
}

/** The scripted commands, as ioredis's defineCommand adds them to a client and to its pipelines. */
interface Scripted {
  otpInsert(key: string, secret: Buffer, params: string, state: string): Promise<number>
  otpCas(key: string, version: string, state: string, nextVersion: string): Promise<number>
  otpCasMany(keyCount: number, ...keysThenArgs: string[]): Promise<number[]>
}
interface ScriptedPipeline {
  hmgetBuffer(key: string, ...fields: string[]): ScriptedPipeline
  otpCasMany(keyCount: number, ...keysThenArgs: string[]): ScriptedPipeline
  exec(): Promise<Array<[Error | null, unknown]> | null>
}

const FIELDS = ['secret', 'params', 'state', 'version'] as const

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
  const chunkSize = options.chunkSize ?? 2000
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new OtpError('INVALID_OPTIONS', `chunkSize must be a whole number above 0, got ${describe(chunkSize)}`)
  }
  const owned = options.client === undefined
  const client = options.client ?? (await connect(options))
  client.defineCommand('otpInsert', { numberOfKeys: 1, lua: INSERT_SCRIPT })
  client.defineCommand('otpCas', { numberOfKeys: 1, lua: CAS_SCRIPT })
  client.defineCommand('otpCasMany', { lua: CAS_MANY_SCRIPT })
  const scripted = client as unknown as Scripted
  const pipeline = () => client.pipeline() as unknown as ScriptedPipeline
  // A cluster spreads keys over nodes: a pipeline or a many-key script may not cross them, so a
  // cluster gets one command per token (ioredis's auto-pipelining still batches them per node).
  const cluster = client.isCluster

  const key = (id: string) => prefix + id

  const toToken = (id: string, fields: Array<Buffer | null>): StoredToken | null => {
    const [secret, params, state, version] = fields
    if (secret == null || params == null || state == null || version == null) return null
    return { id, secret: new Uint8Array(secret), params: params.toString(), state: state.toString(), version: Number(version) }
  }

  const casArgs = (u: StateUpdate) => [String(u.version), u.state, String(u.version + 1)]

  return {
    async insert(token) {
      // ioredis sends a Buffer as bytes, but any other Uint8Array as its String() form.
      const secret = Buffer.from(token.secret.buffer, token.secret.byteOffset, token.secret.byteLength)
      const added = await scripted.otpInsert(key(token.id), secret, token.params, token.state)
      if (added !== 1) {
        throw new OtpError('TOKEN_EXISTS', `a token with id ${JSON.stringify(token.id)} is already enrolled`)
      }
    },

    async get(id) {
      return toToken(id, await client.hmgetBuffer(key(id), ...FIELDS))
    },

    async getMany(ids) {
      if (cluster) return Promise.all(ids.map(async (id) => toToken(id, await client.hmgetBuffer(key(id), ...FIELDS))))
      const out: Array<StoredToken | null> = []
      for (let start = 0; start < ids.length; start += chunkSize) {
        const chunk = ids.slice(start, start + chunkSize)
        const p = pipeline()
        for (const id of chunk) p.hmgetBuffer(key(id), ...FIELDS)
        const replies = await run(p)
        chunk.forEach((id, i) => out.push(toToken(id, replies[i] as Array<Buffer | null>)))
      }
      return out
    },

    async compareAndSet(update) {
      return (await scripted.otpCas(key(update.id), ...(casArgs(update) as [string, string, string]))) === 1
    },

    async compareAndSetMany(updates) {
      if (cluster) return Promise.all(updates.map(async (u) => (await scripted.otpCas(key(u.id), ...(casArgs(u) as [string, string, string]))) === 1))
      const out: boolean[] = []
      // A pipeline of many-key script calls: each call decides SCRIPT_KEYS tokens in one go.
      const SCRIPT_KEYS = 100
      for (let start = 0; start < updates.length; start += chunkSize) {
        const chunk = updates.slice(start, start + chunkSize)
        const p = pipeline()
        for (let i = 0; i < chunk.length; i += SCRIPT_KEYS) {
          const part = chunk.slice(i, i + SCRIPT_KEYS)
          p.otpCasMany(part.length, ...part.map((u) => key(u.id)), ...part.flatMap(casArgs))
        }
        for (const reply of await run(p)) for (const done of reply as number[]) out.push(done === 1)
      }
      return out
    },

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

/** Runs a pipeline; the first failed command's error is thrown. */
async function run(p: ScriptedPipeline): Promise<unknown[]> {
  const replies = (await p.exec()) ?? []
  return replies.map(([error, value]) => {
    if (error) throw error
    return value
  })
}

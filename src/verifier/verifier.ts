/**
 * The stateful verifier of an identity provider: replay protection (RFC 6238 section 5.2), counters
 * that only move forward (RFC 4226 section 7.2), learned drift (RFC 6238 section 6) and throttling
 * (RFC 4226 section 7.3), over any TokenStore.
 *
 * Every change is one optimistic step: read the token and its version, decide in JS (decide.ts), then
 * compare-and-set in the store. A writer that lost the race re-reads and decides again, so of many
 * concurrent uses of one code exactly one is accepted and the others see the new state: 'REPLAYED'.
 */
import { randomInt } from 'node:crypto'
import { OtpError, describe } from '../core/errors.js'
import { createEngine } from '../create-engine.js'
import type { Engine } from '../engine/engine.js'
import { toKey, type Secret } from '../core/secret.js'
import { MAX_RESYNC_CODES } from '../core/validate.js'
import { createSealer, type Sealer, type SealingKey } from './crypto.js'
import { createSecretCache } from './secret-cache.js'
import { isDone, planResync, planVerify, type Decision, type Plan } from './decide.js'
import { runCheck, type CodeEngine } from './engine.js'
import { checkCodeType, unknownToken, verifyAll, type ChunkContext, type OpenToken, type VerifyRequest } from './many.js'
import { resolvePolicy, type VerifierPolicy } from './policy.js'
import type { StoredToken, TokenStore } from './store.js'
import { createMemoryStore } from './stores/memory.js'
import { checkTokenId, decodeParams, decodeState, encodeParams, encodeState, paramsFromEnroll, tokenInfo } from './token.js'
import type { EnrollParams, ResyncResult, TokenInfo, VerifyResult } from './types.js'

export interface VerifierOptions {
  /** Where tokens live. Default: a new in-memory store (createMemoryStore). */
  store?: TokenStore
  /**
   * What computes the codes. Default: createEngine({ threads: 1 }), made on first use: a verifier's
   * chunks are small enough that handing them to worker threads costs more than it saves.
   */
  engine?: CodeEngine
  /** Windows, drift and throttling; unset fields keep DEFAULT_VERIFIER_POLICY's. */
  policy?: Partial<VerifierPolicy>
  /**
   * The AES-GCM key secrets are sealed with at rest: 16, 24 or 32 bytes, or a list whose first key
   * seals and whose every key opens (to rotate keys). Required with a `store`; the default memory
   * store gets a random key of its own.
   */
  key?: SealingKey | readonly SealingKey[]
  /** The time, in Date.now() milliseconds. Default Date.now. */
  clock?: () => number
  /**
   * Tokens verifyMany reads, checks and writes at a time. Default 512: a chunk's objects then die
   * young (a 4096-token chunk lives long enough for V8 to move a third of its garbage to the old
   * generation, which costs more to collect), and the store still gets few, large requests.
   */
  batchSize?: number
  /**
   * How many opened secrets to keep in memory, least recently used out first, so that verifying a
   * token again skips its AES-GCM decryption. Default 0: every use opens the sealed secret afresh and
   * wipes it after, so no secret outlives its verification.
   */
  secretCache?: number
}

export interface Verifier {
  /** The policy in force, defaults filled in. */
  readonly policy: VerifierPolicy
  /** Stores a new token, its secret sealed. Throws OtpError('TOKEN_EXISTS') if the id is taken. */
  enroll(tokenId: string, secret: Secret, params: EnrollParams): Promise<TokenInfo>
  /** Checks a code and records the outcome, atomically. Throws OtpError only for bad input or a broken store. */
  verify(tokenId: string, code: string): Promise<VerifyResult>
  /**
   * verify() for many codes, with one store read, one engine batch and one store write per chunk.
   * One result per request, in order; a bad request gets its OtpError and the others go on.
   */
  verifyMany(requests: readonly VerifyRequest[]): Promise<Array<VerifyResult | OtpError>>
  /** Finds the token's position from consecutive codes, unlocks it and clears its failures. */
  resync(tokenId: string, codes: string[]): Promise<ResyncResult>
  /** The token without its secret. Throws OtpError('UNKNOWN_TOKEN'). */
  inspect(tokenId: string): Promise<TokenInfo>
  /** Deletes a token; resolves whether it existed. */
  remove(tokenId: string): Promise<boolean>
  /** Closes what the verifier made itself (its default engine and store); a given store stays open. */
  close(): Promise<void>
}

/**
 * Creates a verifier.
 *
 * @example
 * const verifier = createVerifier({ store: await createSqliteStore('tokens.db'), key })
 * await verifier.enroll('alice', secret, { type: 'totp' })
 * const result = await verifier.verify('alice', '287082')
 * if (result.ok) ... else if (result.reason === 'LOCKED') ... result.until
 */
export function createVerifier(options: VerifierOptions = {}): Verifier {
  if (options === null || typeof options !== 'object') {
    throw new OtpError('INVALID_OPTIONS', `createVerifier options must be an object, got ${describe(options)}`)
  }
  const policy = resolvePolicy(options.policy)
  checkShape(options.store, 'store', ['insert', 'get', 'getMany', 'compareAndSet', 'compareAndSetMany', 'delete', 'close'])
  checkShape(options.engine, 'engine', ['verifyTotp', 'verifyHotp', 'resyncHotp'])
  if (options.store !== undefined && options.key === undefined) {
    throw new OtpError('INVALID_OPTIONS', 'a verifier with a store needs `key`, the AES-GCM key its secrets are sealed with')
  }
  const store = options.store ?? createMemoryStore()
  const sealer: Sealer = createSealer(options.key ?? globalThis.crypto.getRandomValues(new Uint8Array(32)))
  const clock = options.clock ?? Date.now
  if (typeof clock !== 'function') throw new OtpError('INVALID_OPTIONS', `clock must be a function, got ${describe(clock)}`)
  const batchSize = options.batchSize ?? 512
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new OtpError('INVALID_OPTIONS', `batchSize must be a whole number above 0, got ${describe(batchSize)}`)
  }
  let ownEngine: Promise<Engine> | undefined
  const engine = async (): Promise<CodeEngine> => options.engine ?? (await (ownEngine ??= createEngine({ threads: 1 })))

  const cacheSize = options.secretCache ?? 0
  if (!Number.isInteger(cacheSize) || cacheSize < 0) {
    throw new OtpError('INVALID_OPTIONS', `secretCache must be a whole number of tokens, got ${describe(cacheSize)}`)
  }
  const cache = cacheSize > 0 ? createSecretCache(cacheSize) : undefined

  const open = (stored: StoredToken): OpenToken => {
    const params = decodeParams(stored.id, stored.params)
    const state = decodeState(stored.id, stored.state)
    let secret = cache?.get(stored.id, stored.params, stored.secret)
    if (secret === undefined) {
      secret = sealer.open(stored.id, stored.params, stored.secret)
      cache?.set(stored.id, stored.params, stored.secret, secret)
    }
    return { stored, params, state, secret }
  }

  const read = async (id: string): Promise<OpenToken> => {
    const stored = await store.get(id)
    if (stored === null) throw unknownToken(id)
    return open(stored)
  }

  /** Runs a plan's checks one at a time, then wipes the secret. */
  const settle = async <R>(token: OpenToken, plan: Plan<R>): Promise<Decision<R>> => {
    try {
      const codes = await engine()
      while (!isDone(plan)) {
        const match = runCheck(codes, { secret: token.secret, params: token.params, check: plan.check })
        plan = plan.then(match instanceof Promise ? await match : match)
      }
      return plan.done
    } finally {
      token.secret.fill(0)
    }
  }

  /** The optimistic loop: read, decide, compare-and-set; on a lost race, again from the top. */
  const commit = async <R>(id: string, decide: (token: OpenToken, now: number) => Plan<R>): Promise<R> => {
    for (let attempt = 0; ; attempt++) {
      const token = await read(id)
      const decision = await settle(token, decide(token, clock()))
      if (decision.state === null) return decision.result
      const update = { id, version: token.stored.version, state: encodeState(decision.state) }
      if (await store.compareAndSet(update)) return decision.result
      if (attempt >= policy.maxRetries) {
        throw new OtpError('STORE_CONFLICT', `token ${JSON.stringify(id)} kept changing under ${attempt + 1} attempts to update it`)
      }
      // Past the first retry, spread the contenders out a little.
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, 50)))
    }
  }

  const verify = async (tokenId: string, code: string): Promise<VerifyResult> => {
    const id = checkTokenId(tokenId)
    checkCodeType(code)
    return commit(id, (t, now) => planVerify({ params: t.params, state: t.state, now, policy }, code))
  }

  const chunkContext: ChunkContext = { store, policy, clock, engine, open, verify }

  return {
    policy,

    async enroll(tokenId, secret, params) {
      const id = checkTokenId(tokenId)
      const key = toKey(secret)
      const enrolled = paramsFromEnroll(params)
      const paramsText = encodeParams(enrolled.params)
      try {
        const sealed = sealer.seal(id, paramsText, key)
        await store.insert({ id, secret: sealed, params: paramsText, state: encodeState(enrolled.state), version: firstVersion() })
      } finally {
        // A key decoded from base32 is ours to wipe; the caller's bytes are not.
        if (key !== secret) key.fill(0)
      }
      return tokenInfo(id, enrolled.params, enrolled.state)
    },

    verify,

    async verifyMany(requests) {
      if (!Array.isArray(requests)) {
        throw new OtpError('INVALID_OPTIONS', `verifyMany takes an array of { tokenId, code }, got ${describe(requests)}`)
      }
      return verifyAll(chunkContext, requests, batchSize)
    },

    async resync(tokenId, codes) {
      const id = checkTokenId(tokenId)
      checkResyncCodes(codes, policy.resyncCodes)
      return commit(id, (t, now) => planResync({ params: t.params, state: t.state, now, policy }, codes))
    },

    async inspect(tokenId) {
      const id = checkTokenId(tokenId)
      const stored = await store.get(id)
      if (stored === null) throw unknownToken(id)
      return tokenInfo(id, decodeParams(id, stored.params), decodeState(id, stored.state))
    },

    async remove(tokenId) {
      const id = checkTokenId(tokenId)
      cache?.delete(id)
      return store.delete(id)
    },

    async close() {
      cache?.clear()
      if (ownEngine !== undefined) await (await ownEngine).close()
      if (options.store === undefined) await store.close()
    },
  }
}

/** A given store or engine must at least have the functions the verifier calls. */
function checkShape(value: unknown, what: string, functions: readonly string[]): void {
  if (value === undefined) return
  const missing = functions.find((name) => typeof (value as Record<string, unknown> | null)?.[name] !== 'function')
  if (missing !== undefined) {
    throw new OtpError('INVALID_OPTIONS', `${what} must have a ${missing}() function, got ${describe(value)}`)
  }
}

/** A random first version below 2^40: far from 2^53, where numbers stop counting exactly. */
function firstVersion(): number {
  return randomInt(1, 2 ** 40)
}

function checkResyncCodes(codes: unknown, least: number): asserts codes is string[] {
  if (!Array.isArray(codes) || codes.length < least || codes.length > MAX_RESYNC_CODES) {
    const got = Array.isArray(codes) ? `${codes.length} codes` : describe(codes)
    throw new OtpError('INVALID_CODES', `resync takes ${least} to ${MAX_RESYNC_CODES} consecutive codes, got ${got}`)
  }
  codes.forEach((code, i) => {
    if (typeof code !== 'string') throw new OtpError('INVALID_CODES', `codes[${i}] must be a string of digits, got ${describe(code)}`)
  })
}

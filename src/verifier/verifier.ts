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
import { enrollAll, exportAll, type BulkContext, type EnrollEntry, type EnrollManyOptions } from './bulk.js'
import { createSealer, type Sealer, type SealingKey } from './crypto.js'
import { createSecretCache } from './secret-cache.js'
import { createKeyCache, releaseSecret, type VerifierKey } from './key-cache.js'
import { isDone, planResync, planVerify, unlocked, type Decision, type Plan } from './decide.js'
import { runCheck, type CodeEngine } from './engine.js'
import { checkCodeType, unknownToken, verifyAll, type ChunkContext, type OpenToken, type VerifyRequest } from './many.js'
import { resolvePolicy, type VerifierPolicy } from './policy.js'
import type { StoredToken, TokenStore } from './store.js'
import { createMemoryStore } from './stores/memory.js'
import {
  checkTokenId,
  decodeParams,
  decodeState,
  encodeParams,
  encodeState,
  paramsFromEnroll,
  tokenInfo,
  type TokenParams,
  type TokenState,
} from './token.js'
import type { Token } from '../io/token.js'
import type { EnrollParams, ReplaceResult, ResyncResult, TokenInfo, VerifyResult } from './types.js'

export interface VerifierOptions {
  /** Where tokens live. Default: a new in-memory store (createMemoryStore), closed with the verifier. */
  store?: TokenStore
  /**
   * Whether verifier.close() also closes `store`. Default false: a store given in stays open, for
   * other verifiers or for the caller to close. Give true when the store was made for this verifier
   * alone, so that one close() releases everything:
   *
   *     const verifier = createVerifier({ store: await createSqliteStore('tokens.db'), ownsStore: true, key })
   *     try { ... } finally { await verifier.close() }
   */
  ownsStore?: boolean
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
  /**
   * Keeps up to `size` tokens' keys prepared in memory (HMAC midstates, RFC 2104 section 2), least
   * recently used out first. Verifying a token again then skips both its AES-GCM decryption and its
   * HMAC key setup, and the MAC check of a state this verifier wrote itself: the fastest setting for
   * a verifier that sees the same users again and again. Default: off.
   *
   * The trade-off, as for `secretCache` (which it supersedes when both are given): key-equivalent
   * material (midstates and key bytes, each enough to compute the token's codes) stays in this
   * process's memory between verifications. An entry is wiped when it is evicted, when its token is
   * removed or replaced (or re-enrolled and found changed in the store), and on close(). Checks on a
   * cached key run in the engine's columns (verifyMany) or on the kernel in this thread (verify()).
   */
  keyCache?: { size: number }
}

export interface Verifier {
  /** The policy in force, defaults filled in. */
  readonly policy: VerifierPolicy
  /** Stores a new token, its secret sealed. Throws OtpError('TOKEN_EXISTS') if the id is taken. */
  enroll(tokenId: string, secret: Secret, params: EnrollParams): Promise<TokenInfo>
  /**
   * enroll() for many tokens (thousands: an import), sealed and written a chunk at a time, one store
   * transaction or round trip per chunk (`batchSize`, default 512). Entries may come from an async
   * iterable (a file being read). One result per entry, in order: the token, or the OtpError that
   * refused it alone (TOKEN_EXISTS, INVALID_TOKEN_ID, INVALID_SECRET, bad parameters); no entry is
   * dropped. `onProgress(done)` follows the entries decided. A failing store rejects the call: the
   * entries reported by onProgress before are enrolled, the chunk in flight may be in part.
   */
  enrollMany(entries: Iterable<EnrollEntry> | AsyncIterable<EnrollEntry>, options?: EnrollManyOptions): Promise<Array<TokenInfo | OtpError>>
  /**
   * The one way secrets leave the store: the tokens `ids` (all of them when not given), each with its
   * secret opened, as the export formats (buildPskc, buildSeedCsv, buildMigrationUris) take them.
   * Wipe each `secret` once written. For an explicit, protected export only (otp export).
   * Throws OtpError UNKNOWN_TOKEN for an id not enrolled, INVALID_OPTIONS for a TOTP token with a t0.
   */
  exportTokens(ids?: readonly string[]): Promise<Token[]>
  /** Checks a code and records the outcome, atomically. Throws OtpError only for bad input or a broken store. */
  verify(tokenId: string, code: string): Promise<VerifyResult>
  /**
   * verify() for many codes, with one store read, one engine batch and one store write per chunk.
   * One result per request, in order; a bad request gets its OtpError and the others go on.
   */
  verifyMany(requests: readonly VerifyRequest[]): Promise<Array<VerifyResult | OtpError>>
  /**
   * Stores a new token, its secret sealed, in the place of any token enrolled under the same id (whose
   * secret and state are lost), in one atomic store operation: a crash leaves the old token or the
   * new one, never neither.
   */
  replace(tokenId: string, secret: Secret, params: EnrollParams): Promise<ReplaceResult>
  /**
   * Finds the token's position from policy.resyncCodes or more consecutive codes and clears its
   * failures. Throttled like verify(): a locked token answers 'LOCKED' until its lock ends, and a
   * failed resync counts as a failure. Throws OtpError('INVALID_CODES') for too few codes.
   */
  resync(tokenId: string, codes: string[]): Promise<ResyncResult>
  /**
   * An administrator's unlock: clears the token's failures and lock, whatever its lock's delay, and
   * resolves the token as it is now. Throws OtpError('UNKNOWN_TOKEN').
   */
  unlock(tokenId: string): Promise<TokenInfo>
  /** The token without its secret. Throws OtpError('UNKNOWN_TOKEN'). */
  inspect(tokenId: string): Promise<TokenInfo>
  /** Deletes a token; resolves whether it existed. */
  remove(tokenId: string): Promise<boolean>
  /**
   * Closes what the verifier made itself (its default engine and store), and the given store too
   * with `ownsStore: true`; otherwise a given store stays open and is the caller's to close.
   */
  close(): Promise<void>
}

/**
 * Creates a verifier.
 *
 * @example
 * const verifier = createVerifier({ store: await createSqliteStore('tokens.db'), ownsStore: true, key })
 * await verifier.enroll('alice', secret, { type: 'totp' })
 * const result = await verifier.verify('alice', '287082')
 * if (result.ok) ... else if (result.reason === 'LOCKED') ... result.until
 * await verifier.close() // closes the store too (ownsStore)
 */
export function createVerifier(options: VerifierOptions = {}): Verifier {
  if (options === null || typeof options !== 'object') {
    throw new OtpError('INVALID_OPTIONS', `createVerifier options must be an object, got ${describe(options)}`)
  }
  const policy = resolvePolicy(options.policy)
  checkShape(options.store, 'store', ['insert', 'get', 'getMany', 'compareAndSet', 'compareAndSetMany', 'replace', 'delete', 'close'])
  const ownsStore = options.ownsStore ?? false
  if (typeof ownsStore !== 'boolean') throw new OtpError('INVALID_OPTIONS', `ownsStore must be a boolean, got ${describe(ownsStore)}`)
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
  /** The engine once known (given, or made and resolved), so that a check need not wait on a promise for it. */
  let readyEngine: CodeEngine | undefined = options.engine
  const engine = async (): Promise<CodeEngine> => {
    if (readyEngine !== undefined) return readyEngine
    const made = await (ownEngine ??= createEngine({ threads: 1 }))
    return (readyEngine ??= made)
  }

  const cacheSize = options.secretCache ?? 0
  if (!Number.isInteger(cacheSize) || cacheSize < 0) {
    throw new OtpError('INVALID_OPTIONS', `secretCache must be a whole number of tokens, got ${describe(cacheSize)}`)
  }
  const keys = options.keyCache === undefined ? undefined : createKeyCache(checkKeyCache(options.keyCache))
  const cache = cacheSize > 0 && keys === undefined ? createSecretCache(cacheSize) : undefined
  /** The cache that remembers states checked or written (either cache keeps them). */
  const states = keys ?? cache

  /**
   * The state of a stored token, once its MAC shows it is the one the verifier wrote; for the very
   * bytes this verifier last wrote or checked (a cache vouches), the state it decoded then.
   */
  const stateOf = (stored: StoredToken): TokenState => {
    const known = states?.knows(stored) ?? false
    return (known ? states!.decoded(stored.id) : undefined) ?? decodeState(stored.id, sealer.openState(stored, known))
  }
  /** A state written by compare-and-set (`decoded`: the state its text encodes): the cache may vouch for it at its new version. */
  const wrote = (id: string, version: number, state: string, decoded?: TokenState): void => states?.vouch(id, version + 1, state, decoded)
  /** The stored text of a token's next state: a compare-and-set puts it at one past the version read. */
  const nextState = (stored: StoredToken, state: TokenState): string => sealer.sealState(stored, stored.version + 1, encodeState(state))

  /** The token's prepared key from the key cache, opened and prepared on a miss; pinned for the caller. */
  const preparedKeyOf = (stored: StoredToken, params: TokenParams, cached: NonNullable<typeof keys>): VerifierKey => {
    let key = cached.get(stored.id, stored.params, stored.secret)
    if (key === undefined) {
      const secret = sealer.open(stored.id, stored.params, stored.secret)
      try {
        key = cached.set(stored.id, stored.params, stored.secret, secret, params.algorithm)
      } finally {
        secret.fill(0)
      }
    }
    return key.pin()
  }

  /**
   * The secret of a token whose state has just been checked: its prepared key (keyCache, pinned), else
   * its opened secret (from secretCache, or opened now), the caller's to release (releaseSecret).
   * `state`: what stateOf gave for `stored`, kept by the cache with the state it vouches for.
   */
  const keyOf = (stored: StoredToken, params: TokenParams, state?: TokenState): Uint8Array | VerifierKey => {
    let secret: Uint8Array | VerifierKey | undefined
    if (keys !== undefined) secret = preparedKeyOf(stored, params, keys)
    else {
      secret = cache?.get(stored.id, stored.params, stored.secret)
      if (secret === undefined) {
        secret = sealer.open(stored.id, stored.params, stored.secret)
        cache?.set(stored.id, stored.params, stored.secret, secret)
      }
    }
    // After any set(): the state was checked, and the entry (new or not) vouches for it.
    states?.vouch(stored.id, stored.version, stored.state, state)
    return secret
  }

  const open = (stored: StoredToken): OpenToken => {
    const params = decodeParams(stored.id, stored.params)
    const state = stateOf(stored)
    return { stored, params, state, secret: keyOf(stored, params, state) }
  }

  /**
   * Runs a plan's checks one at a time, then wipes the secret. Without waiting where nothing is to be
   * waited for: with the engine ready and checks that answer at once (a prepared key's, on the kernel),
   * the decision comes back as it is, not as a promise.
   */
  const settle = <R>(token: OpenToken, plan: Plan<R>): Decision<R> | Promise<Decision<R>> => {
    let waiting = false
    try {
      if (readyEngine === undefined) {
        waiting = true
        return settleLater(token, plan, engine())
      }
      while (!isDone(plan)) {
        const match = runCheck(readyEngine, { secret: token.secret, params: token.params, check: plan.check })
        if (match instanceof Promise) {
          waiting = true
          return settleLater(token, plan, readyEngine, match)
        }
        plan = plan.then(match)
      }
      return plan.done
    } finally {
      if (!waiting) releaseSecret(token.secret)
    }
  }

  /** settle() from the first check that must be waited for (or from the engine to come); wipes the secret after. */
  const settleLater = async <R>(
    token: OpenToken,
    plan: Plan<R>,
    codes: CodeEngine | Promise<CodeEngine>,
    pending?: Promise<number | bigint | null>,
  ): Promise<Decision<R>> => {
    try {
      const ready = await codes
      if (pending !== undefined && !isDone(plan)) plan = plan.then(await pending)
      while (!isDone(plan)) {
        const match = runCheck(ready, { secret: token.secret, params: token.params, check: plan.check })
        plan = plan.then(match instanceof Promise ? await match : match)
      }
      return plan.done
    } finally {
      releaseSecret(token.secret)
    }
  }

  /** The optimistic loop: read, decide, compare-and-set; on a lost race, again from the top. */
  const commit = async <R>(id: string, decide: (token: OpenToken, now: number) => Plan<R>): Promise<R> => {
    for (let attempt = 0; ; attempt++) {
      // The store's answer opened here rather than in an async helper: one promise fewer per verification.
      const stored = await store.get(id)
      if (stored === null) throw unknownToken(id)
      const token = open(stored)
      const settled = settle(token, decide(token, clock()))
      const decision = settled instanceof Promise ? await settled : settled
      if (decision.state === null) return decision.result
      const update = { id, version: token.stored.version, state: nextState(token.stored, decision.state) }
      if (await store.compareAndSet(update)) {
        wrote(id, update.version, update.state, decision.state)
        return decision.result
      }
      if (attempt >= policy.maxRetries) {
        throw new OtpError('STORE_CONFLICT', `token ${JSON.stringify(id)} kept changing under ${attempt + 1} attempts to update it`)
      }
      // Past the first retry, spread the contenders out a little.
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, 50)))
    }
  }

  // Not async: commit's promise is handed back as it is, not wrapped in another (bad input still rejects).
  const verify = (tokenId: string, code: string): Promise<VerifyResult> => {
    let id: string
    try {
      id = checkTokenId(tokenId)
      checkCodeType(code)
    } catch (error) {
      return Promise.reject(error)
    }
    return commit(id, (t, now) => planVerify({ params: t.params, state: t.state, now, policy }, code))
  }

  const chunkContext: ChunkContext = {
    store,
    policy,
    clock,
    engine,
    verify,
    nextState,
    wrote,
    stateOf,
    keyOf,
    sealNext: (stored, state) => sealer.sealState(stored, stored.version + 1, state),
  }

  /** A new token as the store keeps it: its secret sealed, its state under a MAC, at a random first version. */
  const storedToken = (id: string, secret: Secret, params: EnrollParams): { stored: StoredToken; info: TokenInfo } => {
    const key = toKey(secret)
    const enrolled = paramsFromEnroll(params)
    const paramsText = encodeParams(enrolled.params)
    try {
      const sealed = sealer.seal(id, paramsText, key)
      const version = firstVersion()
      const token = { id, params: paramsText, secret: sealed }
      const state = sealer.sealState(token, version, encodeState(enrolled.state))
      return { stored: { ...token, state, version }, info: tokenInfo(id, enrolled.params, enrolled.state) }
    } finally {
      // A key decoded from base32 is ours to wipe; the caller's bytes are not.
      if (key !== secret) key.fill(0)
    }
  }

  const bulk: BulkContext = {
    store,
    storedToken,
    openSecret: (stored) => sealer.open(stored.id, stored.params, stored.secret),
    stateOf,
  }

  return {
    policy,

    enrollMany: (entries, enrollOptions) => enrollAll(bulk, entries, enrollOptions),

    exportTokens: (ids) => exportAll(bulk, ids),

    async enroll(tokenId, secret, params) {
      const { stored, info } = storedToken(checkTokenId(tokenId), secret, params)
      await store.insert(stored)
      return info
    },

    async replace(tokenId, secret, params) {
      const id = checkTokenId(tokenId)
      const { stored, info } = storedToken(id, secret, params)
      cache?.delete(id)
      keys?.delete(id)
      const replaced = await store.replace(stored)
      return { token: info, replaced }
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

    async unlock(tokenId) {
      const id = checkTokenId(tokenId)
      return commit(id, (t) => {
        const state = unlocked(t.state)
        return { done: { result: tokenInfo(id, t.params, state ?? t.state), state } }
      })
    },

    async inspect(tokenId) {
      const id = checkTokenId(tokenId)
      const stored = await store.get(id)
      if (stored === null) throw unknownToken(id)
      return tokenInfo(id, decodeParams(id, stored.params), stateOf(stored))
    },

    async remove(tokenId) {
      const id = checkTokenId(tokenId)
      cache?.delete(id)
      keys?.delete(id)
      return store.delete(id)
    },

    async close() {
      cache?.clear()
      keys?.clear()
      if (ownEngine !== undefined) await (await ownEngine).close()
      if (options.store === undefined || ownsStore) await store.close()
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

/** The keyCache option: `{ size }`, a whole number of tokens above 0. */
function checkKeyCache(option: unknown): number {
  const size = option !== null && typeof option === 'object' ? (option as { size?: unknown }).size : undefined
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
    throw new OtpError('INVALID_OPTIONS', `keyCache must be { size } with size a whole number of tokens above 0, got ${describe(option)}`)
  }
  return size
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

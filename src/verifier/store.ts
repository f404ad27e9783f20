/**
 * The one interface every token store implements. A store keeps opaque values (a sealed secret and
 * two texts) and a version per token; it never sees a secret in the clear and never decides anything.
 * Its single duty of correctness is compareAndSet: a write that lands only if nobody wrote since the
 * version was read. Everything the verifier guarantees under concurrency rests on it.
 */
import { OtpError, describe } from '../core/errors.js'

/** A token as a store holds it. */
export interface StoredToken {
  readonly id: string
  /** The secret, sealed by the verifier (crypto.ts). */
  readonly secret: Uint8Array
  /** The token's fixed parameters, as text (token.ts). */
  readonly params: string
  /** The token's mutable state, as text (token.ts). */
  readonly state: string
  /**
   * Set by insert, then one more with every successful compareAndSet. The verifier starts each token
   * at a random version, so that a write decided on a deleted token can never land on a new token
   * enrolled under the same id (the ABA problem of compare-and-set).
   */
  readonly version: number
}

/** One compare-and-set: replace the state of `id` if its version is still `version`. */
export interface StateUpdate {
  readonly id: string
  readonly version: number
  readonly state: string
}

export interface TokenStore {
  /** Adds a token; throws OtpError('TOKEN_EXISTS') if the id is taken. Durable once resolved. */
  insert(token: StoredToken): Promise<void>
  /**
   * Adds many tokens in few store writes (one transaction, or one round trip, per call): resolves, in
   * order, true for each token added and false for each whose id was taken (before the call, or by
   * an earlier token of the same call). Each token is added whole or not at all; a token refused for
   * its id never stops the others. A store failure rejects the call, and may leave any subset of the
   * tokens added (each one whole): a retry then reports those as taken.
   */
  insertMany(tokens: readonly StoredToken[]): Promise<boolean[]>
  /** The token, or null. */
  get(id: string): Promise<StoredToken | null>
  /** The tokens, in order, null where missing. Ids may repeat. */
  getMany(ids: readonly string[]): Promise<Array<StoredToken | null>>
  /**
   * Atomically: if the token's version is `version`, sets its state and bumps its version, and
   * resolves true; otherwise (another writer won, or the token is gone) changes nothing and resolves
   * false. Durable once resolved true.
   */
  compareAndSet(update: StateUpdate): Promise<boolean>
  /**
   * compareAndSet for each update, in order (a later update of the same token sees the earlier one),
   * each atomic on its own. A crash part way leaves every token either updated or untouched.
   */
  compareAndSetMany(updates: readonly StateUpdate[]): Promise<boolean[]>
  /**
   * Adds a token, or puts it in the place of the token enrolled under its id, in one atomic step:
   * a crash leaves either the old token or the new one, never neither. Resolves whether a token was
   * replaced. Durable once resolved.
   */
  replace(token: StoredToken): Promise<boolean>
  /**
   * The ids of every token in the store, for an export of them all. Not a snapshot: a token enrolled
   * or removed meanwhile may or may not be listed.
   */
  ids(): Promise<string[]>
  /** Removes a token; resolves whether it was there. */
  delete(id: string): Promise<boolean>
  /**
   * Releases what the store opened itself (connections, file handles); a client or connection the
   * caller handed in stays open. Call it once the store is no longer used (or give the store to
   * createVerifier with `ownsStore: true`, and close the verifier). Idle stores never keep the
   * process alive, so a forgotten close() costs open handles, not a hung exit.
   */
  close(): Promise<void>
}

/**
 * The ids a store accepts: what checkTokenId (token.ts) lets through, checked again at the store's
 * own boundary, since stores are public too. A lone surrogate would become U+FFFD in a store's UTF-8,
 * making two ids one token.
 */
export function checkStoreId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0 || !isWellFormed(id)) {
    throw new OtpError(
      'INVALID_TOKEN_ID',
      `a store's token id must be a non-empty, well-formed Unicode string, got ${id === '' ? 'an empty string' : typeof id === 'string' ? 'a string with a lone surrogate' : describe(id)}`,
    )
  }
  return id
}

/** String.prototype.isWellFormed (ES2024, in Node 20), which the ES2022 lib does not declare: no lone surrogate. */
export function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed()
}

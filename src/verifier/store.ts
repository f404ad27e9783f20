/**
 * The one interface every token store implements. A store keeps opaque values (a sealed secret and
 * two texts) and a version per token; it never sees a secret in the clear and never decides anything.
 * Its single duty of correctness is compareAndSet: a write that lands only if nobody wrote since the
 * version was read. Everything the verifier guarantees under concurrency rests on it.
 */

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
  /** Removes a token; resolves whether it was there. */
  delete(id: string): Promise<boolean>
  /** Releases what the store opened itself (connections, file handles). */
  close(): Promise<void>
}

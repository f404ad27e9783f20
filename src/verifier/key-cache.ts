/**
 * An opt-in cache of prepared keys (createVerifier's `keyCache`), for verifiers that see the same
 * tokens again and again: a hit skips both the AES-GCM opening of the sealed secret and the HMAC key
 * setup, so that checking a TOTP code costs its three HMACs' compressions and little else. The price:
 * key-equivalent material (the HMAC midstates, and the key bytes) lives in this process's memory
 * between uses, as with secretCache.
 *
 * Entries and states are kept as token-cache.ts says: a token re-enrolled, replaced or changed in the
 * store (a new sealed secret, with a fresh IV) misses and is opened afresh. An entry's key is wiped
 * (PreparedKey.dispose) when it is evicted, replaced, removed, or cleared.
 */
import type { Algorithm } from '../core/kernel.js'
import { PreparedKey } from '../core/prepared.js'
import { moduleKernel } from '../kernels/module-kernel.js'
import { createTokenCache, type TokenCache } from './token-cache.js'

/**
 * A token's prepared key as the verifier keeps it. A verification in flight pins the key it uses, so
 * that an entry evicted meanwhile (a chunk of verifyMany larger than the cache) is wiped only once
 * the last verification using it has released it.
 */
export class VerifierKey extends PreparedKey {
  #pins = 0
  #dropped = false

  constructor(secret: Uint8Array, algorithm: Algorithm) {
    super(secret, algorithm, moduleKernel())
  }

  /** Marks the key in use; pair with release(). */
  pin(): this {
    this.#pins++
    return this
  }

  /** Ends a use; a key the cache has dropped is wiped with its last use. */
  release(): void {
    if (--this.#pins === 0 && this.#dropped) this.dispose()
  }

  /** The cache lets go of the key: wiped now, or with its last use. */
  drop(): void {
    this.#dropped = true
    if (this.#pins === 0) this.dispose()
  }

  /** The midstates as the kernel's prepared entry points take them. */
  get words(): Uint32Array {
    return this.state
  }

  /** The AlgorithmId. */
  get id(): 0 | 1 | 2 {
    return this.alg
  }

  /** A copy of the key bytes, for an engine that takes secrets; the caller wipes it. */
  secret(): Uint8Array {
    return this.secretCopy()
  }
}

export interface KeyCache extends Omit<TokenCache<VerifierKey>, 'set'> {
  /**
   * Prepares and keeps the key of a secret just opened (the caller still wipes `secret`), dropping the
   * least recently used entry past the size. Returns the key, owned by the cache.
   */
  set(id: string, params: string, sealed: Uint8Array, secret: Uint8Array, algorithm: Algorithm): VerifierKey
}

/** A least-recently-used cache of at most `size` prepared keys (see token-cache.ts); a key is wiped when dropped. */
export function createKeyCache(size: number): KeyCache {
  const cache = createTokenCache<VerifierKey>(size, (key) => key.drop())
  const { get, knows, decoded, vouch, clear } = cache
  return {
    get,
    set(id, params, sealed, secret, algorithm) {
      const key = new VerifierKey(secret, algorithm)
      cache.set(id, params, sealed, key)
      return key
    },
    knows,
    decoded,
    vouch,
    delete: cache.delete,
    clear,
    get size() {
      return cache.size
    },
  }
}

/** Ends a verification's use of its token's key: an opened secret is wiped, a cached key released. */
export function releaseSecret(secret: Uint8Array | VerifierKey): void {
  if (secret instanceof VerifierKey) secret.release()
  else secret.fill(0)
}

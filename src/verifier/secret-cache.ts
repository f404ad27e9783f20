/**
 * An opt-in cache of opened secrets, for verifiers that see the same tokens again and again: opening
 * a sealed secret (one AES-GCM decryption through node:crypto) costs a few microseconds, a good part
 * of a batched verification. The secrets then also live in this process's memory between uses; they
 * are still never stored in the clear.
 *
 * Entries and states are kept as token-cache.ts says. Callers get a copy they may wipe; the cache
 * wipes its own copy when it drops the entry. (Copies are made with new Uint8Array: a Buffer's
 * slice() would only be a view.)
 */
import { createTokenCache, type TokenCache } from './token-cache.js'

export interface SecretCache extends Omit<TokenCache<Uint8Array>, 'get' | 'set'> {
  /** A copy of the secret opened from exactly `sealed` and `params` for `id`, or undefined. */
  get(id: string, params: string, sealed: Uint8Array): Uint8Array | undefined
  /** Remembers a secret just opened (copies of it and of `sealed`), dropping the least recently used entry past the size. */
  set(id: string, params: string, sealed: Uint8Array, secret: Uint8Array): void
}

/** A least-recently-used cache of at most `size` opened secrets. */
export function createSecretCache(size: number): SecretCache {
  const cache = createTokenCache<Uint8Array>(size, (secret) => secret.fill(0))
  const { knows, decoded, vouch, clear } = cache
  return {
    get(id, params, sealed) {
      const secret = cache.get(id, params, sealed)
      return secret === undefined ? undefined : new Uint8Array(secret)
    },
    set(id, params, sealed, secret) {
      cache.set(id, params, sealed, new Uint8Array(secret))
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

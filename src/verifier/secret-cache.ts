/**
 * An opt-in cache of opened secrets, for verifiers that see the same tokens again and again: opening
 * a sealed secret (one AES-GCM decryption through node:crypto) costs a few microseconds, a good part
 * of a batched verification. The secrets then also live in this process's memory between uses; they
 * are still never stored in the clear.
 *
 * An entry is only used for the exact sealed bytes and parameters it was opened from, so a token
 * re-enrolled or changed in the store is opened afresh. Callers get a copy they may wipe; the cache
 * wipes its own copy when it drops the entry. (Copies are made with new Uint8Array: a Buffer's
 * slice() would only be a view.)
 *
 * An entry also remembers the token's state as this verifier last checked or wrote it, so that the
 * state's MAC (crypto.ts) is not checked again for the very bytes it has already vouched for.
 */
import type { StoredToken } from './store.js'

interface Entry {
  readonly sealed: Uint8Array
  readonly params: string
  readonly secret: Uint8Array
  /** The stored state (and its version) last checked or written for this token, '' for none. */
  version: number
  state: string
}

export interface SecretCache {
  /** A copy of the secret opened from exactly `sealed` and `params` for `id`, or undefined. */
  get(id: string, params: string, sealed: Uint8Array): Uint8Array | undefined
  /** Remembers a secret just opened (copies of all three), dropping the least recently used entry past the size. */
  set(id: string, params: string, sealed: Uint8Array, secret: Uint8Array): void
  /**
   * Whether `stored` is, byte for byte, the token last vouched for (its state MAC checked, or its
   * state written by this verifier) with the secret and parameters of its entry: its MAC then need
   * not be computed again. Saves one HMAC per verification of a token this process keeps using.
   */
  knows(stored: StoredToken): boolean
  /** Remembers the state of an entry's token at `version`, once its MAC is checked or it is written. */
  vouch(id: string, version: number, state: string): void
  /** Forgets a token (on removal). */
  delete(id: string): void
  /** Forgets every token. */
  clear(): void
}

/** A least-recently-used cache of at most `size` opened secrets. */
export function createSecretCache(size: number): SecretCache {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<string, Entry>()

  const drop = (id: string) => {
    const entry = entries.get(id)
    if (entry === undefined) return
    entry.secret.fill(0)
    entries.delete(id)
  }

  return {
    get(id, params, sealed) {
      const entry = entries.get(id)
      if (entry === undefined || entry.params !== params || !sameBytes(entry.sealed, sealed)) return undefined
      entries.delete(id)
      entries.set(id, entry)
      return new Uint8Array(entry.secret)
    },
    set(id, params, sealed, secret) {
      drop(id)
      entries.set(id, { sealed: new Uint8Array(sealed), params, secret: new Uint8Array(secret), version: 0, state: '' })
      if (entries.size > size) drop(entries.keys().next().value!)
    },
    knows(stored) {
      const entry = entries.get(stored.id)
      return (
        entry !== undefined &&
        entry.state !== '' &&
        entry.version === stored.version &&
        entry.state === stored.state &&
        entry.params === stored.params &&
        sameBytes(entry.sealed, stored.secret)
      )
    },
    vouch(id, version, state) {
      const entry = entries.get(id)
      if (entry === undefined) return
      entry.version = version
      entry.state = state
    },
    delete: drop,
    clear() {
      for (const id of [...entries.keys()]) drop(id)
    },
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

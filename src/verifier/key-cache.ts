/**
 * An opt-in cache of prepared keys (createVerifier's `keyCache`), for verifiers that see the same
 * tokens again and again: a hit skips both the AES-GCM opening of the sealed secret and the HMAC key
 * setup, so that checking a TOTP code costs its three HMACs' compressions and little else. The price:
 * key-equivalent material (the HMAC midstates, and the key bytes) lives in this process's memory
 * between uses, as with secretCache.
 *
 * An entry is used only for the exact sealed bytes and parameter text it was opened from: a token
 * re-enrolled, replaced or changed in the store (a new sealed secret, with a fresh IV) misses and is
 * opened afresh. Like secret-cache.ts, an entry also remembers the state (and version) this verifier
 * last checked or wrote, so that the state's MAC is not checked again for bytes it already vouched for.
 * An entry's key is wiped (PreparedKey.dispose) when it is evicted, replaced, removed, or cleared.
 */
import type { Algorithm } from '../core/kernel.js'
import { PreparedKey } from '../core/prepared.js'
import { moduleKernel } from '../kernels/module-kernel.js'
import type { StoredToken } from './store.js'

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

interface Entry {
  readonly sealed: Uint8Array
  readonly params: string
  readonly key: VerifierKey
  /** The stored state (and its version) last checked or written for this token, '' for none. */
  version: number
  state: string
  /** The cache's use count when the entry was last moved to the recent end. */
  moved: number
}

export interface KeyCache {
  /** The prepared key of `id` opened from exactly `sealed` and `params`, or undefined. Marks it used. */
  get(id: string, params: string, sealed: Uint8Array): VerifierKey | undefined
  /**
   * Prepares and keeps the key of a secret just opened (the caller still wipes `secret`), dropping the
   * least recently used entry past the size. Returns the key, owned by the cache.
   */
  set(id: string, params: string, sealed: Uint8Array, secret: Uint8Array, algorithm: Algorithm): VerifierKey
  /** Whether `stored` is, byte for byte, the token last vouched for (see secret-cache.ts knows). */
  knows(stored: StoredToken): boolean
  /** Remembers the state of an entry's token at `version`, once its MAC is checked or it is written. */
  vouch(id: string, version: number, state: string): void
  /** Forgets a token, wiping its key. */
  delete(id: string): void
  /** Forgets every token, wiping their keys. */
  clear(): void
  /** Entries held. */
  readonly size: number
}

/**
 * A least-recently-used cache of at most `size` prepared keys. A Map iterates in insertion order, so
 * re-inserting an entry on use keeps the least recently used first; but a delete and a set on every
 * hit leave a large Map rehashing all the time, so an entry is moved only once it has fallen into the
 * older half (more than size / 2 uses of the cache ago): the entries evicted first are still among
 * those least recently used.
 */
export function createKeyCache(size: number): KeyCache {
  const entries = new Map<string, Entry>()
  let uses = 0
  const half = Math.max(1, size >> 1)

  const drop = (id: string) => {
    const entry = entries.get(id)
    if (entry === undefined) return
    entry.key.drop()
    entries.delete(id)
  }

  return {
    get(id, params, sealed) {
      const entry = entries.get(id)
      if (entry === undefined || entry.params !== params || !sameBytes(entry.sealed, sealed)) return undefined
      if (++uses - entry.moved > half) {
        entries.delete(id)
        entries.set(id, entry)
        entry.moved = uses
      }
      return entry.key
    },
    set(id, params, sealed, secret, algorithm) {
      drop(id)
      const key = new VerifierKey(secret, algorithm)
      entries.set(id, { sealed: new Uint8Array(sealed), params, key, version: 0, state: '', moved: ++uses })
      if (entries.size > size) drop(entries.keys().next().value!)
      return key
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
    get size() {
      return entries.size
    },
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Ends a verification's use of its token's key: an opened secret is wiped, a cached key released. */
export function releaseSecret(secret: Uint8Array | VerifierKey): void {
  if (secret instanceof VerifierKey) secret.release()
  else secret.fill(0)
}

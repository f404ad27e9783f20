/**
 * The least-recently-used cache that secretCache and keyCache share: per token, a value opened from
 * exactly one sealed secret and parameter text (a token re-enrolled, replaced or changed in the store
 * misses and is opened afresh), and the state (and version) this verifier last checked or wrote, so
 * that the state's MAC is not checked again for bytes it already vouched for. What a value is, and
 * how it is wiped when the cache lets go of it, is the caller's.
 */
import type { StoredToken } from './store.js'
import type { TokenState } from './token.js'

interface Entry<V> {
  readonly sealed: Uint8Array
  readonly params: string
  readonly value: V
  /** The stored state (and its version) last checked or written for this token, '' for none. */
  version: number
  state: string
  /** That state decoded, when the one who vouched had it at hand (a state just written). */
  decoded: TokenState | undefined
  /** The cache's use count when the entry was last moved to the recent end. */
  moved: number
}

export interface TokenCache<V> {
  /** The value of `id` opened from exactly `sealed` and `params`, or undefined. Marks it used. */
  get(id: string, params: string, sealed: Uint8Array): V | undefined
  /** Keeps `value` for `id` (a copy of `sealed`), dropping the least recently used entry past the size. */
  set(id: string, params: string, sealed: Uint8Array, value: V): void
  /**
   * Whether `stored` is, byte for byte, the token last vouched for (its state MAC checked, or its
   * state written by this verifier) with the secret and parameters of its entry: its MAC then need
   * not be computed again. Saves one HMAC per verification of a token this process keeps using.
   */
  knows(stored: StoredToken): boolean
  /**
   * The decoded form of the state last vouched for `id`, when the one who vouched gave it: for a
   * stored token `knows` has just recognised, its state, read again with neither a MAC nor a parse.
   */
  decoded(id: string): TokenState | undefined
  /**
   * Remembers the state of an entry's token at `version`, once its MAC is checked or it is written,
   * with its decoded form if at hand (it must be the decoding of `state`).
   */
  vouch(id: string, version: number, state: string, decoded?: TokenState): void
  /** Forgets a token, letting go of its value. */
  delete(id: string): void
  /** Forgets every token. */
  clear(): void
  /** Entries held. */
  readonly size: number
}

/**
 * A cache of at most `size` values; `release` wipes a value the cache lets go of (evicted, replaced,
 * deleted, cleared). A Map iterates in insertion order, so re-inserting an entry on use keeps the
 * least recently used first; but a delete and a set on every hit leave a large Map rehashing all the
 * time, so an entry is moved only once it has fallen into the older half (more than size / 2 uses of
 * the cache ago): the entries evicted first are still among those least recently used.
 */
export function createTokenCache<V>(size: number, release: (value: V) => void): TokenCache<V> {
  const entries = new Map<string, Entry<V>>()
  let uses = 0
  const half = Math.max(1, size >> 1)

  const drop = (id: string) => {
    const entry = entries.get(id)
    if (entry === undefined) return
    release(entry.value)
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
      return entry.value
    },
    set(id, params, sealed, value) {
      drop(id)
      // new Uint8Array copies: a Buffer's slice() would only be a view of the caller's bytes.
      entries.set(id, { sealed: new Uint8Array(sealed), params, value, version: 0, state: '', decoded: undefined, moved: ++uses })
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
    decoded: (id) => entries.get(id)?.decoded,
    vouch(id, version, state, decoded) {
      const entry = entries.get(id)
      if (entry === undefined) return
      entry.version = version
      entry.state = state
      entry.decoded = decoded
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

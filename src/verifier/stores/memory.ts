/**
 * The in-memory store: the default, for tests and single processes. JavaScript runs one callback at
 * a time, so each method body is already atomic; the copies keep callers from changing stored bytes.
 */
import { OtpError } from '../../core/errors.js'
import { checkStoreId, type StateUpdate, type StoredToken, type TokenStore } from '../store.js'

/** Creates an empty store that lives as long as the process. */
export function createMemoryStore(): TokenStore {
  // The store's own records, never handed out: a write changes one in place rather than making a new
  // object for the long-lived Map to hold (which the garbage collector would soon move to its old
  // generation, at a cost paid on every verification).
  const tokens = new Map<string, Mutable<StoredToken>>()

  // new Uint8Array(x) copies; a Buffer's slice() would only be a view.
  const copy = (token: StoredToken): Mutable<StoredToken> => ({
    id: token.id,
    secret: new Uint8Array(token.secret),
    params: token.params,
    state: token.state,
    version: token.version,
  })
  // The same copy from an object literal of its own, for get(). V8 decides per literal whether the
  // objects it makes are to be put straight into the old generation, from how long they have lived:
  // the copies a getMany hands out live as long as a batch's work, which earns their literal that
  // treatment, and a single get's copy, shared with them, would then go to the old generation too,
  // though it dies young (a store that takes single verifications besides batches, as a service does).
  const copyOne = (token: StoredToken): StoredToken => ({
    id: token.id,
    secret: new Uint8Array(token.secret),
    params: token.params,
    state: token.state,
    version: token.version,
  })

  const compareAndSet = ({ id, version, state }: StateUpdate): boolean => {
    const token = tokens.get(checkStoreId(id))
    if (token === undefined || token.version !== version) return false
    token.state = state
    token.version = version + 1
    return true
  }

  return {
    async insert(token) {
      if (tokens.has(checkStoreId(token.id))) {
        throw new OtpError('TOKEN_EXISTS', `a token with id ${JSON.stringify(token.id)} is already enrolled`)
      }
      tokens.set(token.id, copy(token))
    },
    async insertMany(batch) {
      // Every id checked first: a bad one refuses the call before any token is added.
      for (const token of batch) checkStoreId(token.id)
      return batch.map((token) => {
        if (tokens.has(checkStoreId(token.id))) return false
        tokens.set(token.id, copy(token))
        return true
      })
    },
    async get(id) {
      const token = tokens.get(checkStoreId(id))
      return token === undefined ? null : copyOne(token)
    },
    async getMany(ids) {
      return ids.map((id) => {
        const token = tokens.get(checkStoreId(id))
        return token === undefined ? null : copy(token)
      })
    },
    async compareAndSet(update) {
      return compareAndSet(update)
    },
    async compareAndSetMany(updates) {
      return updates.map(compareAndSet)
    },
    async replace(token) {
      const replaced = tokens.has(checkStoreId(token.id))
      tokens.set(token.id, copy(token))
      return replaced
    },
    async ids() {
      return [...tokens.keys()]
    },
    async delete(id) {
      return tokens.delete(checkStoreId(id))
    },
    async close() {
      tokens.clear()
    },
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

// Opens the store a worker process was pointed at: `sqlite:<file>` or `redis:<url>|<prefix>`.
import { createRedisStore, createSqliteStore } from '../../../src/verifier/index.js'

export async function openStore(where) {
  if (where.startsWith('sqlite:')) return createSqliteStore(where.slice('sqlite:'.length))
  if (where.startsWith('redis:')) {
    const [url, prefix] = where.slice('redis:'.length).split('|')
    return createRedisStore({ url, prefix })
  }
  throw new Error(`unknown store ${where}`)
}

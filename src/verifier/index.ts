/**
 * The identity-provider verifier: stateful verification with replay protection, forward-only
 * counters, learned drift and throttling, over a memory, SQLite or Redis token store.
 */
export { createVerifier, type Verifier, type VerifierOptions } from './verifier.js'
export type { VerifyRequest } from './many.js'
export type { EnrollEntry, EnrollManyOptions } from './bulk.js'
export { DEFAULT_VERIFIER_POLICY, type VerifierPolicy } from './policy.js'
export type { EnrollParams, RejectReason, ReplaceResult, ResyncResult, TokenInfo, TokenType, VerifyResult } from './types.js'
export type { CodeEngine } from './engine.js'
export type { SealingKey } from './crypto.js'
export { checkStoreId, type StateUpdate, type StoredToken, type TokenStore } from './store.js'
export { createMemoryStore } from './stores/memory.js'
export { createSqliteStore, type SqliteStoreOptions } from './stores/sqlite.js'
export { createRedisStore, type RedisStoreOptions } from './stores/redis.js'

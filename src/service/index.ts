/**
 * The HTTP verification service behind `otp serve`: the verifier over HTTP for identity providers in
 * any language. Loaded only by the CLI (lazily), never by the library entries, so that importing
 * otp-wasm never loads Fastify.
 */
export { buildService, type Service, type ServiceOptions } from './app.js'
export type { RouteContext } from './context.js'
export { createApiKey, keyRing, loadKeyRing, SCOPES, type ApiClient, type ApiKeyRecord, type KeyRing, type Scope } from './auth.js'
export { ServiceError, statusOf, type ErrorBody, type ServiceErrorCode } from './errors.js'
export { createMetrics, type Metrics } from './metrics.js'
export { runService, type RunOptions } from './serve.js'

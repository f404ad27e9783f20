/**
 * The Fastify application of `otp serve`: logging with secrets redacted, limits, API-key
 * authentication, per-client rate limits, one JSON error shape, metrics, the OpenAPI document, and
 * the routes (routes/*.ts). It takes a verifier that is ready to use and never closes it: serve.ts
 * owns the process, its signals and its store.
 */
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Verifier } from '../verifier/index.js'
import { MAX_TOKEN_ID_LENGTH } from '../verifier/token.js'
import type { ApiClient, KeyRing, Scope } from './auth.js'
import type { RouteContext } from './context.js'
import { ServiceError, errorAnswer } from './errors.js'
import { createMetrics, type Metrics } from './metrics.js'
import { lazyChildLogger } from './request-log.js'
import { healthRoutes } from './routes/health.js'
import { importRoutes } from './routes/import.js'
import { tokenRoutes } from './routes/tokens.js'
import { verifyRoutes } from './routes/verify.js'
import { SHARED_SCHEMAS } from './schemas.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope an API key needs for the route; public routes have none. */
    scope?: Scope
  }
  interface FastifyRequest {
    /** The API key that authenticated the request. */
    client?: ApiClient
  }
}

export interface ServiceOptions {
  /** The verifier the routes use; the caller closes it. */
  verifier: Verifier
  /** The API keys accepted. */
  keys: KeyRing
  /** pino's level ('info' by default), or false for no log; `stream` for where lines go (stdout). */
  log?: { level?: string; stream?: NodeJS.WritableStream } | false
  /** Largest JSON body, bytes. Default 64 KiB. */
  bodyLimit?: number
  /** Largest body of POST /v1/tokens/import, bytes. Default 16 MiB. */
  importBodyLimit?: number
  /** How long a request may take to arrive whole, in milliseconds. Default 120000. */
  requestTimeout?: number
  /** Requests per minute per API key (per address before authentication); 0 for no limit. Default 6000. */
  rateLimit?: number
  /** Lines of /v1/verify/batch given to verifyMany at a time. Default 2048. */
  batchChunk?: number
  /** Longest line of /v1/verify/batch, bytes. Default 4096. */
  batchLineLimit?: number
  /** Metrics to count into (a new registry by default). */
  metrics?: Metrics
}

export interface Service {
  readonly app: FastifyInstance
  readonly metrics: Metrics
  /** Starts refusing new requests with 503 SHUTTING_DOWN; those in flight go on. */
  beginShutdown(): void
}

/** Fields whose values never reach a log line, wherever they appear. */
const REDACTED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'body',
  '*.body',
  '*.secret',
  '*.code',
  '*.codes',
  '*.key',
  '*.password',
  '*.data',
  '*.uri',
  '*.qrSvg',
]

/** Builds the application, routes registered, not yet listening. */
export async function buildService(options: ServiceOptions): Promise<Service> {
  const metrics = options.metrics ?? createMetrics()
  let closing = false
  const ctx: RouteContext = {
    verifier: options.verifier,
    metrics,
    importBodyLimit: options.importBodyLimit ?? 16 * 1024 * 1024,
    batchChunk: options.batchChunk ?? 2048,
    batchLineLimit: options.batchLineLimit ?? 4096,
    closing: () => closing,
  }
  const log = options.log ?? {}
  const logger: FastifyServerOptions['logger'] =
    log === false
      ? false
      : ({
          level: log.level ?? 'info',
          redact: { paths: REDACTED, censor: '[redacted]' },
          // Requests are logged by the onResponse hook below, by route template: no URL, no header.
          serializers: { req: () => ({}), res: () => ({}), err: safeError },
          ...(log.stream === undefined ? {} : { stream: log.stream }),
        } as unknown as FastifyServerOptions['logger'])
  const app = Fastify({
    logger,
    // Requests are logged once each, by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    // Each request's logger is made when it first writes a line (most never do).
    childLoggerFactory: lazyChildLogger,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    requestTimeout: options.requestTimeout ?? 120_000,
    keepAliveTimeout: 72_000,
    // A token id of 256 characters, each up to 4 UTF-8 bytes percent-encoded.
    routerOptions: { maxParamLength: MAX_TOKEN_ID_LENGTH * 12 },
    exposeHeadRoutes: false,
    // The onRequest hook below answers SHUTTING_DOWN itself, in the service's error shape.
    return503OnClosing: false,
    // Unknown fields are errors, not silently dropped; a number is not a string.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false } },
  }) as unknown as FastifyInstance

  for (const schema of SHARED_SCHEMAS) app.addSchema(schema)

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'otp-wasm verification service',
        description: 'HOTP (RFC 4226) and TOTP (RFC 6238) tokens and their verification, with replay protection, drift and throttling.',
        version: '1',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'a key made by otp apikey create' } } },
      tags: [{ name: 'tokens' }, { name: 'verify' }, { name: 'operations' }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `schema${i}`) },
  })

  // Hooks with a callback rather than async functions: on every request, a promise less each.
  app.addHook('onRequest', (request, reply, done) => {
    if (closing) {
      reply.header('connection', 'close')
      done(new ServiceError(503, 'SHUTTING_DOWN', 'the service is shutting down; retry on another instance'))
      return
    }
    const scope = request.routeOptions.config.scope
    if (scope !== undefined) {
      try {
        const client = options.keys.authenticate(request.headers.authorization)
        options.keys.authorize(client, scope)
        request.client = client
      } catch (error) {
        done(error as Error)
        return
      }
    }
    done()
  })

  const perMinute = options.rateLimit ?? 6000
  if (perMinute > 0) {
    await app.register(rateLimit, {
      global: true,
      hook: 'preHandler',
      max: perMinute,
      timeWindow: 60_000,
      keyGenerator: (request) => (request.client === undefined ? `ip:${request.ip}` : `key:${request.client.name}`),
      errorResponseBuilder: (_request, context) =>
        new ServiceError(429, 'RATE_LIMITED', `more than ${context.max} requests in a minute from this client; retry in ${context.after}`),
    })
  }

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorAnswer(error)
    const code = body.error.code
    if (code === 'STORE_UNAVAILABLE' || code === 'STORE_CONFLICT') metrics.storeError(code)
    if (status >= 500) request.log.error({ err: error, errorCode: code }, 'request failed')
    void reply.status(status).send(body)
  })
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]!.slice(0, 100)}` } })
  })
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched'
    const elapsed = reply.elapsedTime
    metrics.request(request.method, route, reply.statusCode, elapsed / 1000)
    request.log.info(
      { method: request.method, route, status: reply.statusCode, ms: Math.round(elapsed * 10) / 10, client: request.client?.name },
      'answered',
    )
    done()
  })

  await app.register(healthRoutes(ctx))
  await app.register(tokenRoutes(ctx))
  await app.register(importRoutes(ctx))
  await app.register(verifyRoutes(ctx))
  return {
    app,
    metrics,
    beginShutdown() {
      closing = true
    },
  }
}

/** An error as a log line shows it: its kind, code and message, never its stack or cause ('code' is a redacted name). */
function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error }
  const { status, body } = errorAnswer(error)
  // Messages of unexpected errors can quote anything; they are logged by kind alone.
  return status === 500 && body.error.code === 'INTERNAL'
    ? { type: error.name }
    : { type: error.name, errorCode: body.error.code, message: body.error.message }
}

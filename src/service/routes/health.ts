/**
 * Operations routes, without authentication: liveness, readiness (the store answers a read), the
 * Prometheus metrics and the OpenAPI document.
 */
import type { FastifyInstance } from 'fastify'
import { OtpError } from '../../core/errors.js'
import type { RouteContext } from '../context.js'
import { ServiceError } from '../errors.js'
import { healthSchema, metricsSchema, openapiSchema, readySchema } from '../schemas.js'

/** An id no token can be confused with, read to see whether the store answers. */
const PROBE_ID = '\u0000readyz'

export function healthRoutes(ctx: RouteContext) {
  return async (app: FastifyInstance) => {
    app.get('/healthz', { schema: healthSchema }, async () => ({ status: 'ok' }))

    app.get('/readyz', { schema: readySchema }, async () => {
      if (ctx.closing()) throw new ServiceError(503, 'SHUTTING_DOWN', 'the service is shutting down')
      try {
        await ctx.verifier.inspect(PROBE_ID)
      } catch (error) {
        // UNKNOWN_TOKEN is the answer of a store that works.
        if (!(error instanceof OtpError && error.code === 'UNKNOWN_TOKEN')) throw error
      }
      return { status: 'ready' }
    })

    app.get('/metrics', { schema: metricsSchema }, async (_request, reply) => {
      const text = await ctx.metrics.registry.metrics()
      return reply
        .type(ctx.metrics.registry.contentType)
        .serializer((payload) => payload as string)
        .send(text)
    })

    app.get('/openapi.json', { schema: openapiSchema }, async (_request, reply) => reply.serializer(JSON.stringify).send(app.swagger()))
  }
}

/**
 * Verification (scope `verify`): one code, with the verifier's exact outcomes (ok with its delta,
 * INVALID, REPLAYED, LOCKED with until), or a stream of NDJSON lines through verifyMany (batch.ts).
 */
import { IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { OtpError } from '../../core/errors.js'
import type { RouteContext } from '../context.js'
import { verifyLines } from '../batch.js'
import { ServiceError } from '../errors.js'
import { createCoalescer } from '../coalesce.js'
import { verifyJson } from '../json.js'
import { verifyBatchSchema, verifySchema } from '../schemas.js'

const NDJSON = ['application/x-ndjson', 'application/jsonl']

export function verifyRoutes(ctx: RouteContext) {
  const { verifier, metrics } = ctx
  const single = createCoalescer(verifier)
  return async (app: FastifyInstance) => {
    app.post<{ Body: { id: string; code: string } }>(
      '/v1/verify',
      { schema: verifySchema, config: { scope: 'verify' } },
      async (request) => {
        try {
          const result = await single.verify(request.body.id, request.body.code)
          metrics.verified(result.ok ? 'ok' : result.reason)
          return verifyJson(result)
        } catch (error) {
          metrics.verified(error instanceof OtpError ? error.code : 'INTERNAL')
          throw error
        }
      },
    )

    // The body is not parsed: the route reads it as a stream, line by line.
    app.addContentTypeParser(NDJSON, (_request, payload, done) => done(null, payload))
    app.post(
      '/v1/verify/batch',
      {
        schema: verifyBatchSchema,
        config: { scope: 'verify' },
        // The body schema documents the stream; there is nothing to validate before it is read.
        validatorCompiler: () => () => true,
      },
      async (request, reply) => {
        // A JSON body was parsed by the JSON parser: this route reads NDJSON only.
        if (!(request.body instanceof Readable) && !(request.body instanceof IncomingMessage)) {
          throw new ServiceError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the lines as application/x-ndjson')
        }
        const lines = verifyLines(request.body as AsyncIterable<Buffer>, {
          verifier,
          metrics,
          chunk: ctx.batchChunk,
          lineLimit: ctx.batchLineLimit,
        })
        return reply.type('application/x-ndjson').send(Readable.from(lines, { objectMode: false }))
      },
    )
  }
}

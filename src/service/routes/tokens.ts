/**
 * Token administration (scope `admin`): enrol, inspect, remove, unlock, resync. Enrolment answers
 * the otpauth:// URI once, and its QR code on request; nothing else ever shows a secret.
 */
import type { FastifyInstance } from 'fastify'
import { OtpError } from '../../core/errors.js'
import { randomSecret, toKey } from '../../core/secret.js'
import { buildUri } from '../../io/uri.js'
import type { EnrollParams } from '../../verifier/index.js'
import type { RouteContext } from '../context.js'
import { ServiceError } from '../errors.js'
import { counterInput, resyncJson, tokenJson } from '../json.js'
import { enrollSchema, inspectSchema, removeSchema, resyncSchema, unlockSchema } from '../schemas.js'

interface EnrollBody {
  id: string
  type: 'totp' | 'hotp'
  algorithm?: 'SHA1' | 'SHA256' | 'SHA512'
  digits?: number
  period?: number
  counter?: number | string
  secret?: string
  bytes?: number
  issuer?: string
  account?: string
  qr?: boolean
  replace?: boolean
}

interface IdParams {
  id: string
}

const admin = { scope: 'admin' } as const

export function tokenRoutes(ctx: RouteContext) {
  const { verifier } = ctx
  return async (app: FastifyInstance) => {
    app.post<{ Body: EnrollBody }>('/v1/tokens', { schema: enrollSchema, config: admin }, async (request, reply) => {
      const body = request.body
      const params: EnrollParams =
        body.type === 'hotp'
          ? { type: 'hotp', algorithm: body.algorithm, digits: body.digits, counter: counterInput(body.counter) ?? 0 }
          : { type: 'totp', algorithm: body.algorithm, digits: body.digits, period: body.period }
      if (body.type === 'hotp' && body.period !== undefined) throw invalid('period applies to TOTP tokens, not HOTP')
      if (body.type !== 'hotp' && body.counter !== undefined) throw invalid('counter applies to HOTP tokens, not TOTP')
      if (body.secret !== undefined && body.bytes !== undefined)
        throw invalid('bytes sets the length of a generated secret; it does not go with secret')
      const key = body.secret !== undefined ? new Uint8Array(toKey(body.secret)) : randomSecret(body.bytes ?? 20)
      try {
        const label = { account: body.account ?? body.id, issuer: body.issuer }
        // Built first: a label the URI cannot hold stops the enrolment.
        const uri =
          params.type === 'hotp'
            ? buildUri({
                type: 'hotp',
                secret: key,
                ...label,
                algorithm: params.algorithm,
                digits: params.digits,
                counter: params.counter ?? 0,
              })
            : buildUri({ type: 'totp', secret: key, ...label, algorithm: params.algorithm, digits: params.digits, period: params.period })
        let token
        let replaced = false
        if (body.replace === true) ({ token, replaced } = await verifier.replace(body.id, key, params))
        else token = await verifier.enroll(body.id, key, params)
        const answer: Record<string, unknown> = { token: tokenJson(token), uri, replaced }
        if (body.qr === true) {
          const { qrSvg } = await import('../../io/qr.js')
          answer.qrSvg = await qrSvg(uri)
        }
        return reply.status(201).send(answer)
      } finally {
        key.fill(0)
      }
    })

    app.get<{ Params: IdParams }>('/v1/tokens/:id', { schema: inspectSchema, config: admin }, async (request) =>
      tokenJson(await verifier.inspect(request.params.id)),
    )

    app.delete<{ Params: IdParams }>('/v1/tokens/:id', { schema: removeSchema, config: admin }, async (request, reply) => {
      if (!(await verifier.remove(request.params.id))) {
        throw new OtpError('UNKNOWN_TOKEN', `no token with id ${JSON.stringify(request.params.id)} is enrolled`)
      }
      return reply.status(204).send()
    })

    app.post<{ Params: IdParams }>('/v1/tokens/:id/unlock', { schema: unlockSchema, config: admin }, async (request) =>
      tokenJson(await verifier.unlock(request.params.id)),
    )

    app.post<{ Params: IdParams; Body: { codes: string[] } }>(
      '/v1/tokens/:id/resync',
      { schema: resyncSchema, config: admin },
      async (request) => resyncJson(await verifier.resync(request.params.id, request.body.codes)),
    )
  }
}

function invalid(message: string) {
  return new ServiceError(400, 'INVALID_REQUEST', message)
}

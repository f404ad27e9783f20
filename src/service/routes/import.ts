/**
 * POST /v1/tokens/import (scope `admin`): the tokens of a PSKC file, a Google Authenticator transfer
 * URI or a seed CSV, read by src/io's parsers and enrolled one by one. One result per token, in file
 * order; a token that fails (its id taken, its parameters refused) does not stop the others.
 */
import type { FastifyInstance } from 'fastify'
import { OtpError } from '../../core/errors.js'
import { parseMigrationUri } from '../../io/migration.js'
import { parsePskc } from '../../io/pskc/parse.js'
import { parseSeedCsv } from '../../io/seed-csv.js'
import type { Token } from '../../io/token.js'
import type { EnrollParams } from '../../verifier/index.js'
import type { RouteContext } from '../app.js'
import { errorAnswer } from '../errors.js'
import { importSchema } from '../schemas.js'

interface ImportBody {
  format: 'pskc' | 'migration' | 'csv'
  data: string
  password?: string
  key?: string
  secretEncoding?: 'hex' | 'base32'
  prefix?: string
  replace?: boolean
}

type Outcome = { ok: true; id: string; type: string } | { ok: false; id?: string; error: { code: string; message: string } }

/** Enrolments in flight at once: enough to keep a network store busy, few enough to stay fair. */
const CONCURRENCY = 16

export function importRoutes(ctx: RouteContext) {
  const { verifier } = ctx
  return async (app: FastifyInstance) => {
    app.post<{ Body: ImportBody }>(
      '/v1/tokens/import',
      { schema: importSchema, config: { scope: 'admin' }, bodyLimit: ctx.importBodyLimit },
      async (request) => {
        const body = request.body
        if (body.format !== 'pskc' && (body.password !== undefined || body.key !== undefined)) {
          throw new OtpError('INVALID_OPTIONS', 'password and key unlock PSKC files; this import is not one')
        }
        if (body.format !== 'csv' && body.secretEncoding !== undefined) {
          throw new OtpError('INVALID_OPTIONS', 'secretEncoding describes seed CSV files; this import is not one')
        }
        const tokens = readTokens(body)
        const outcomes: Outcome[] = new Array(tokens.length)
        let next = 0
        const worker = async () => {
          while (next < tokens.length) {
            const index = next++
            outcomes[index] = await enrollOne(tokens[index]!, body)
          }
        }
        try {
          await Promise.all(Array.from({ length: Math.min(CONCURRENCY, tokens.length) }, worker))
        } finally {
          for (const token of tokens) token.secret.fill(0)
        }
        const imported = outcomes.filter((outcome) => outcome.ok).length
        return { imported, failed: outcomes.length - imported, tokens: outcomes }
      },
    )
  }

  async function enrollOne(token: Token, body: ImportBody): Promise<Outcome> {
    // A serial names a hardware token wherever it goes; a file's key id is often just its position.
    const name = token.serial ?? token.id ?? (token.issuer ? `${token.issuer}:${token.account}` : token.account)
    if (!name) {
      return { ok: false, error: { code: 'INVALID_TOKEN_ID', message: 'the token has no serial, id or account to name it by' } }
    }
    const id = `${body.prefix ?? ''}${name}`
    const params: EnrollParams =
      token.type === 'hotp'
        ? { type: 'hotp', algorithm: token.algorithm, digits: token.digits, counter: token.counter ?? 0 }
        : { type: 'totp', algorithm: token.algorithm, digits: token.digits, period: token.period }
    try {
      if (body.replace === true) await verifier.replace(id, token.secret, params)
      else await verifier.enroll(id, token.secret, params)
      return { ok: true, id, type: token.type }
    } catch (error) {
      if (!(error instanceof OtpError)) throw error
      return { ok: false, id, error: errorAnswer(error).body.error }
    }
  }
}

/** The file's tokens; a file that cannot be read is one error for the whole request. */
function readTokens(body: ImportBody): Token[] {
  switch (body.format) {
    case 'pskc':
      return parsePskc(body.data, {
        password: body.password,
        key: body.key === undefined ? undefined : Uint8Array.from(Buffer.from(body.key, 'hex')),
      })
    case 'migration':
      return parseMigrationUri(body.data).tokens
    case 'csv':
      return parseSeedCsv(body.data, { secretEncoding: body.secretEncoding })
  }
}

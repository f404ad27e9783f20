/**
 * POST /v1/tokens/import (scope `admin`): the tokens of a PSKC file, a Google Authenticator transfer
 * URI or a seed CSV, read by src/io's parsers and enrolled a chunk at a time (verifier.enrollMany). One
 * result per token, in file order; a token that fails (its id taken, its parameters refused) does not
 * stop the others.
 */
import type { FastifyInstance } from 'fastify'
import { OtpError } from '../../core/errors.js'
import { parseMigrationUri } from '../../io/migration.js'
import { parsePskc } from '../../io/pskc/parse.js'
import { parseSeedCsv } from '../../io/seed-csv.js'
import type { Token } from '../../io/token.js'
import type { EnrollEntry, EnrollParams } from '../../verifier/index.js'
import type { RouteContext } from '../context.js'
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
      async (request, reply) => {
        const body = request.body
        if (body.format !== 'pskc' && (body.password !== undefined || body.key !== undefined)) {
          throw new OtpError('INVALID_OPTIONS', 'password and key unlock PSKC files; this import is not one')
        }
        if (body.format !== 'csv' && body.secretEncoding !== undefined) {
          throw new OtpError('INVALID_OPTIONS', 'secretEncoding describes seed CSV files; this import is not one')
        }
        let tokens: Token[]
        try {
          tokens = readTokens(body)
        } catch (error) {
          // Here DECRYPTION_FAILED means the caller's password or key does not open the file.
          if (error instanceof OtpError && error.code === 'DECRYPTION_FAILED') {
            return reply.status(400).send({ error: { code: error.code, message: error.message } })
          }
          throw error
        }
        let outcomes: Outcome[]
        try {
          outcomes = body.replace === true ? await replaceAll(tokens, body) : await enrollAll(tokens, body)
        } finally {
          for (const token of tokens) token.secret.fill(0)
        }
        const imported = outcomes.filter((outcome) => outcome.ok).length
        return { imported, failed: outcomes.length - imported, tokens: outcomes }
      },
    )
  }

  /** New tokens only: enrollMany, a store transaction or round trip per chunk; a taken id fails alone. */
  async function enrollAll(tokens: readonly Token[], body: ImportBody): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array(tokens.length)
    const entries: EnrollEntry[] = []
    const slots: number[] = []
    tokens.forEach((token, i) => {
      const id = tokenId(token, body.prefix)
      if (id === undefined) outcomes[i] = unnamed
      else {
        entries.push({ tokenId: id, secret: token.secret, params: enrollParams(token) })
        slots.push(i)
      }
    })
    const results = await verifier.enrollMany(entries)
    results.forEach((result, j) => {
      const id = entries[j]!.tokenId
      outcomes[slots[j]!] =
        result instanceof OtpError ? { ok: false, id, error: errorAnswer(result).body.error } : { ok: true, id, type: result.type }
    })
    return outcomes
  }

  /** Tokens that may take the place of enrolled ones: replace(), each one atomic, a few at a time. */
  async function replaceAll(tokens: readonly Token[], body: ImportBody): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array(tokens.length)
    let next = 0
    const worker = async () => {
      while (next < tokens.length) {
        const index = next++
        const token = tokens[index]!
        const id = tokenId(token, body.prefix)
        if (id === undefined) {
          outcomes[index] = unnamed
          continue
        }
        try {
          await verifier.replace(id, token.secret, enrollParams(token))
          outcomes[index] = { ok: true, id, type: token.type }
        } catch (error) {
          if (!(error instanceof OtpError) || error.code === 'STORE_UNAVAILABLE') throw error
          outcomes[index] = { ok: false, id, error: errorAnswer(error).body.error }
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, tokens.length) }, worker))
    return outcomes
  }
}

const unnamed: Outcome = { ok: false, error: { code: 'INVALID_TOKEN_ID', message: 'the token has no serial, id or account to name it by' } }

/** `prefix` + the token's serial (a hardware token's name wherever it goes), else its id in the file, else issuer:account. */
function tokenId(token: Token, prefix = ''): string | undefined {
  const name = token.serial ?? token.id ?? (token.issuer ? `${token.issuer}:${token.account}` : token.account)
  return name ? `${prefix}${name}` : undefined
}

function enrollParams(token: Token): EnrollParams {
  return token.type === 'hotp'
    ? { type: 'hotp', algorithm: token.algorithm, digits: token.digits, counter: token.counter ?? 0 }
    : { type: 'totp', algorithm: token.algorithm, digits: token.digits, period: token.period }
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

/**
 * The JSON schemas of every route: Fastify validates each request against them (unknown fields,
 * wrong types and out-of-range values are 400 before any handler runs), serializes answers through
 * them, and @fastify/swagger builds /openapi.json from them. One place, so the document and the
 * checks cannot disagree.
 */
import { MAX_RESYNC_CODES } from '../core/validate.js'
import { MAX_TOKEN_ID_LENGTH } from '../verifier/token.js'

const tokenId = { type: 'string', minLength: 1, maxLength: MAX_TOKEN_ID_LENGTH, description: 'the token id' } as const
/** A code as a string, so that leading zeros survive; the verifier checks its digits. */
const code = { type: 'string', minLength: 1, maxLength: 16, description: 'the code the user typed' } as const
/** HOTP counters go up to 2^64 - 1: a number up to 2^53 - 1, a string of digits beyond. */
const counter = {
  anyOf: [
    { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    { type: 'string', pattern: '^[0-9]{1,20}$' },
  ],
} as const
const counterOut = { type: ['integer', 'string'], description: 'a number, or a string of digits above 2^53 - 1' } as const
const algorithm = { type: 'string', enum: ['SHA1', 'SHA256', 'SHA512'] } as const

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const

export const tokenSchema = {
  $id: 'Token',
  type: 'object',
  description: 'A token without its secret',
  required: ['id', 'type', 'algorithm', 'digits', 'drift', 'failures', 'lockedUntil'],
  properties: {
    id: { type: 'string' },
    type: { type: 'string', enum: ['totp', 'hotp'] },
    algorithm,
    digits: { type: 'integer' },
    period: { type: 'integer', description: 'TOTP: the time step in seconds' },
    t0: { type: 'integer', description: 'TOTP: the unix time steps count from' },
    counter: { ...counterOut, description: 'HOTP: the counter the next code must use' },
    lastStep: { type: ['integer', 'null'], description: 'TOTP: the last accepted time step' },
    drift: { type: 'integer', description: 'TOTP: learned clock drift, in steps' },
    failures: { type: 'integer', description: 'failed attempts since the last success' },
    lockedUntil: { type: 'integer', description: 'while locked: until when, in unix milliseconds; else 0' },
  },
} as const

/** Error answers every authenticated route may give. */
const errors = {
  400: { $ref: 'Error#' },
  401: { $ref: 'Error#' },
  403: { $ref: 'Error#' },
  429: { $ref: 'Error#' },
  500: { $ref: 'Error#' },
  503: { $ref: 'Error#' },
} as const

const security = [{ apiKey: [] }]
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: tokenId } } as const

export const enrollSchema = {
  tags: ['tokens'],
  summary: 'Enrol a token',
  description:
    'Stores a new token, its secret sealed. Without `secret` the server makes a random one. The answer carries the otpauth:// URI (and, with `qr`, its QR code as SVG) once: nothing shows the secret again.',
  security,
  body: {
    type: 'object',
    required: ['id'],
    additionalProperties: false,
    properties: {
      id: tokenId,
      type: { type: 'string', enum: ['totp', 'hotp'], default: 'totp' },
      algorithm,
      digits: { type: 'integer', minimum: 6, maximum: 10 },
      period: { type: 'integer', minimum: 1, maximum: 86400, description: 'TOTP time step in seconds (default 30)' },
      counter: { ...counter, description: "HOTP: the counter of the token's next code (default 0)" },
      secret: { type: 'string', minLength: 1, maxLength: 2048, description: 'base32; default: a new random secret' },
      bytes: { type: 'integer', minimum: 16, maximum: 64, description: 'length of a generated secret (default 20)' },
      issuer: { type: 'string', minLength: 1, maxLength: 256 },
      account: { type: 'string', minLength: 1, maxLength: 256, description: 'the URI account name (default: id)' },
      qr: { type: 'boolean', description: "also answer the URI's QR code as SVG" },
      replace: { type: 'boolean', description: 'replace a token enrolled under the id (its state is lost)' },
    },
  },
  response: {
    201: {
      type: 'object',
      required: ['token', 'uri', 'replaced'],
      properties: {
        token: { $ref: 'Token#' },
        uri: { type: 'string', description: 'the otpauth:// URI: it holds the secret; shown this once' },
        qrSvg: { type: 'string', description: 'the QR code of uri, as an SVG document' },
        replaced: { type: 'boolean' },
      },
    },
    409: { $ref: 'Error#' },
    ...errors,
  },
} as const

export const importSchema = {
  tags: ['tokens'],
  summary: 'Import tokens',
  description:
    "Enrols the tokens of a PSKC file (RFC 6030; encrypted ones with `password` or `key`), a Google Authenticator transfer URI (otpauth-migration://) or a seed CSV. Each token's id is `prefix` + its serial number, else its id in the file, else issuer:account. One result per token, in file order.",
  security,
  body: {
    type: 'object',
    required: ['format', 'data'],
    additionalProperties: false,
    properties: {
      format: { type: 'string', enum: ['pskc', 'migration', 'csv'] },
      data: { type: 'string', minLength: 1, description: 'the PSKC XML, the transfer URI, or the CSV text' },
      password: { type: 'string', minLength: 1, maxLength: 1024, description: 'PSKC: the PBKDF2 password' },
      key: { type: 'string', pattern: '^([0-9a-fA-F]{32}|[0-9a-fA-F]{48}|[0-9a-fA-F]{64})$', description: 'PSKC: the pre-shared key, hex' },
      secretEncoding: { type: 'string', enum: ['hex', 'base32'], description: 'CSV: how secrets are written where the file does not say' },
      prefix: { type: 'string', maxLength: 128, description: "put before each token's id" },
      replace: { type: 'boolean', description: 'replace tokens already enrolled under the same ids' },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['imported', 'failed', 'tokens'],
      properties: {
        imported: { type: 'integer' },
        failed: { type: 'integer' },
        tokens: {
          type: 'array',
          items: {
            type: 'object',
            required: ['ok'],
            properties: { ok: { type: 'boolean' }, id: { type: 'string' }, type: { type: 'string' }, error: errorSchema.properties.error },
          },
        },
      },
    },
    413: { $ref: 'Error#' },
    ...errors,
  },
} as const

export const inspectSchema = {
  tags: ['tokens'],
  summary: 'A token, without its secret',
  security,
  params: idParams,
  response: { 200: { $ref: 'Token#' }, 404: { $ref: 'Error#' }, ...errors },
} as const

export const removeSchema = {
  tags: ['tokens'],
  summary: 'Delete a token',
  security,
  params: idParams,
  response: { 204: { type: 'null', description: 'deleted' }, 404: { $ref: 'Error#' }, ...errors },
} as const

export const unlockSchema = {
  tags: ['tokens'],
  summary: "Clear a token's failures and lock",
  security,
  params: idParams,
  response: { 200: { $ref: 'Token#' }, 404: { $ref: 'Error#' }, ...errors },
} as const

export const resyncSchema = {
  tags: ['tokens'],
  summary: 'Resynchronize a token from consecutive codes',
  description:
    'HOTP: finds the counter; TOTP: learns the drift. Throttled like verification: a failure counts, a locked token answers LOCKED.',
  security,
  params: idParams,
  body: {
    type: 'object',
    required: ['codes'],
    additionalProperties: false,
    properties: { codes: { type: 'array', minItems: 1, maxItems: MAX_RESYNC_CODES, items: code } },
  },
  response: {
    200: {
      type: 'object',
      required: ['ok'],
      properties: {
        ok: { type: 'boolean' },
        type: { type: 'string', enum: ['totp', 'hotp'] },
        counter: counterOut,
        step: { type: 'integer' },
        drift: { type: 'integer' },
        reason: { type: 'string', enum: ['INVALID', 'LOCKED'] },
        failures: { type: 'integer' },
        until: { type: 'integer' },
      },
    },
    404: { $ref: 'Error#' },
    ...errors,
  },
} as const

const verifyResult = {
  $id: 'VerifyResult',
  type: 'object',
  description:
    'ok: accepted (delta: matched offset, in steps for TOTP, counters for HOTP). Otherwise reason INVALID (failures so far; until when this failure locked the token), REPLAYED (a code already used) or LOCKED (until, unix milliseconds).',
  required: ['ok'],
  properties: {
    ok: { type: 'boolean' },
    delta: { type: 'integer' },
    type: { type: 'string', enum: ['totp', 'hotp'] },
    step: { type: 'integer' },
    counter: counterOut,
    reason: { type: 'string', enum: ['INVALID', 'REPLAYED', 'LOCKED'] },
    failures: { type: 'integer' },
    until: { type: 'integer' },
  },
} as const
export const verifyResultSchema = verifyResult

export const verifySchema = {
  tags: ['verify'],
  summary: 'Verify one code',
  security,
  body: { type: 'object', required: ['id', 'code'], additionalProperties: false, properties: { id: tokenId, code } },
  response: { 200: { $ref: 'VerifyResult#' }, 404: { $ref: 'Error#' }, ...errors },
} as const

export const verifyBatchSchema = {
  tags: ['verify'],
  summary: 'Verify a stream of codes',
  description:
    'The body is NDJSON, one {"id", "code"} object a line; the answer streams NDJSON, one line per non-blank input line, in order: a VerifyResult, or {"error": {code, message}} for that line alone. Memory stays bounded whatever the length.',
  security,
  consumes: ['application/x-ndjson'],
  produces: ['application/x-ndjson'],
  body: { type: 'string', description: 'NDJSON lines of {"id": string, "code": string}' },
  response: {
    200: { type: 'string', description: 'NDJSON lines: a VerifyResult or an Error per input line' },
    415: { $ref: 'Error#' },
    ...errors,
  },
} as const

export const healthSchema = {
  tags: ['operations'],
  summary: 'Liveness: the process answers',
  response: { 200: { type: 'object', required: ['status'], properties: { status: { type: 'string' } } } },
} as const

export const readySchema = {
  tags: ['operations'],
  summary: 'Readiness: the token store answers and the service is not shutting down',
  response: { 200: { type: 'object', required: ['status'], properties: { status: { type: 'string' } } }, 503: { $ref: 'Error#' } },
} as const

export const metricsSchema = {
  tags: ['operations'],
  summary: 'Prometheus metrics (text exposition format)',
  produces: ['text/plain'],
  response: { 200: { type: 'string' } },
} as const

export const openapiSchema = {
  tags: ['operations'],
  summary: 'This OpenAPI document',
  response: { 200: { type: 'object', additionalProperties: true } },
} as const

/** The shared schemas the routes refer to by $ref. */
export const SHARED_SCHEMAS = [errorSchema, tokenSchema, verifyResult] as const

/**
 * How the service answers an error: JSON `{ error: { code, message } }` with an HTTP status. Library
 * errors keep their OtpError code; the HTTP layer adds its own codes (authentication, request shape,
 * limits). No answer carries a stack, and messages are built here or come from OtpError, whose
 * messages never hold a secret: errors from elsewhere (a JSON parser quoting the body it choked on)
 * are replaced by a fixed message.
 */
import { OtpError, type OtpErrorCode } from '../core/errors.js'

/** The service's own error codes, beside OtpError's. */
export type ServiceErrorCode =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'INVALID_REQUEST'
  | 'INVALID_JSON'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'TIMEOUT'
  | 'SHUTTING_DOWN'
  | 'NOT_IMPLEMENTED'
  | 'INTERNAL'

/** An error the HTTP layer raises, with its status. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError'
  constructor(
    readonly statusCode: number,
    readonly code: ServiceErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string }
}

/** The status of an OtpError: the caller's mistake (4xx) or the service's trouble (5xx). */
export function statusOf(code: OtpErrorCode): number {
  switch (code) {
    case 'UNKNOWN_TOKEN':
      return 404
    case 'TOKEN_EXISTS':
      return 409
    case 'STORE_UNAVAILABLE':
    case 'STORE_CONFLICT':
    case 'ENGINE_CLOSED':
      return 503
    // The store's secrets or states do not open under the service's key: the service's trouble.
    // (A PSKC file that does not open under the caller's password is answered 400 by the import route.)
    case 'DECRYPTION_FAILED':
    case 'TOKEN_TAMPERED':
    case 'STORE_DRIVER_MISSING':
    case 'WASM_UNAVAILABLE':
    case 'WORKER_FAILED':
    case 'INTERNAL':
      return 500
    default:
      // INVALID_* and the like: the request's own mistake.
      return 400
  }
}

/** An error raised while serving a request, as a status and a body that are safe to send and log. */
export function errorAnswer(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof ServiceError) return answer(error.statusCode, error.code, error.message)
  if (error instanceof OtpError) return answer(statusOf(error.code), error.code, error.message)
  const fastify = error as { code?: unknown; statusCode?: unknown; validation?: unknown; validationContext?: unknown } | null
  if (fastify !== null && typeof fastify === 'object') {
    if (Array.isArray(fastify.validation))
      return answer(400, 'INVALID_REQUEST', validationMessage(fastify.validation, fastify.validationContext))
    switch (fastify.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return answer(413, 'BODY_TOO_LARGE', 'the request body is larger than this route accepts')
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return answer(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json (application/x-ndjson for /v1/verify/batch)')
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return answer(400, 'INVALID_JSON', 'the body is empty; send a JSON object')
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return answer(400, 'INVALID_REQUEST', 'the Content-Length header does not match the body')
    }
    // The JSON parser's own message quotes the text it choked on, which may hold a code or a secret.
    if (error instanceof SyntaxError || fastify.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return answer(400, 'INVALID_JSON', 'the body is not valid JSON')
    }
    if (fastify.statusCode === 408 || fastify.code === 'FST_ERR_REQUEST_TIMEOUT') {
      return answer(408, 'TIMEOUT', 'the request took too long to arrive')
    }
  }
  return answer(500, 'INTERNAL', 'internal error')
}

function answer(status: number, code: string, message: string): { status: number; body: ErrorBody } {
  return { status, body: { error: { code, message } } }
}

interface AjvError {
  instancePath?: string
  keyword?: string
  message?: string
  params?: Record<string, unknown>
}

/**
 * "body has an unknown field 'colour'", "body/code must be string": where and what, from the
 * schema's first complaint. Schema messages name the rule, never the value that broke it.
 */
function validationMessage(errors: AjvError[], context: unknown): string {
  const first = errors[0]
  const where = `${typeof context === 'string' ? context : 'request'}${first?.instancePath ?? ''}`
  if (first === undefined) return `${where} does not match its schema`
  if (first.keyword === 'additionalProperties') {
    const field = String(first.params?.additionalProperty ?? '')
    return `${where} has an unknown field ${JSON.stringify(field.length > 40 ? `${field.slice(0, 40)}...` : field)}`
  }
  if (first.keyword === 'required') return `${where} needs the field ${JSON.stringify(String(first.params?.missingProperty ?? ''))}`
  return `${where} ${first.message ?? 'does not match its schema'}`
}

/**
 * The one error type otp-wasm throws (or returns, for a bad record in a batch).
 *
 * `code` is stable and meant for programs; `message` is meant for people. A message names what was
 * expected and what was given, but never the secret itself, nor any byte of it.
 */

/** Every error code otp-wasm uses, in one place so that callers can switch over them. */
export type OtpErrorCode =
  | 'INVALID_SECRET'
  | 'INVALID_COUNTER'
  | 'INVALID_DIGITS'
  | 'INVALID_ALGORITHM'
  | 'INVALID_PERIOD'
  | 'INVALID_TIME'
  | 'INVALID_WINDOW'
  | 'INVALID_CODES'
  | 'INVALID_CODE'
  | 'INVALID_OCRA_SUITE'
  | 'INVALID_CHALLENGE'
  | 'INVALID_PASSWORD'
  | 'INVALID_SESSION'
  | 'INVALID_OPTIONS'
  | 'INVALID_RECORD'
  | 'INVALID_URI'
  | 'INVALID_PSKC'
  | 'INVALID_MIGRATION'
  | 'INVALID_CSV'
  | 'WASM_UNAVAILABLE'
  | 'ENGINE_CLOSED'
  | 'DISPOSED'
  | 'BUILDER_BUSY'
  | 'INTERNAL'
  | 'ABORTED'
  | 'WORKER_FAILED'
  | 'REPLAYED'
  | 'LOCKED'
  | 'UNKNOWN_TOKEN'
  | 'TOKEN_EXISTS'
  | 'STORE_CONFLICT'
  | 'DECRYPTION_FAILED'
  | 'INVALID_TOKEN_ID'
  | 'INVALID_POLICY'
  | 'TOKEN_TAMPERED'
  | 'STORE_UNAVAILABLE'
  | 'STORE_DRIVER_MISSING'

/** A typed, stable error. `instanceof OtpError` and `error.code` are the supported ways to tell them apart. */
export class OtpError extends Error {
  override readonly name = 'OtpError'
  readonly code: OtpErrorCode

  constructor(code: OtpErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/** Describes a value for an error message without ever echoing its content (it may be a secret). */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`
  if (Array.isArray(value)) return `array(${value.length})`
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value)
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'string') return `string(${value.length})`
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object'
  return typeof value
}

/**
 * Google Authenticator's transfer format: `otpauth-migration://offline?data=BASE64`, the QR codes
 * its "Transfer accounts" screen shows, each holding a batch of tokens as a protobuf
 * MigrationPayload. Other apps (Aegis, 2FAS, Bitwarden, ...) read and write it too.
 *
 * The payload goes through @bufbuild/protobuf's wire reader and writer (varints, lengths, UTF-8,
 * skipping unknown fields), driven by the message layout below as protobuf's generated code would
 * be. A reflection descriptor would do the same but add some 65 KB to the browser bundle: this
 * module is platform-neutral and ships there too.
 */
import { BinaryReader, BinaryWriter, WireType, base64Decode, base64Encode } from '@bufbuild/protobuf/wire'
import { OtpError, describe } from '../core/errors.js'
import type { Algorithm } from '../core/kernel.js'
import { checkToken, normalizeCounter, readToken, type Token } from './token.js'

/** Tokens per URI when buildMigrationUris is not told: about 1 KB of URI, a QR code phones scan easily. */
export const DEFAULT_MIGRATION_BATCH_SIZE = 10
/** The longest transfer URI read (a QR code holds under 3 KB; this leaves room for pasted ones). */
export const MAX_MIGRATION_URI_LENGTH = 256 * 1024

/** What parseMigrationUri returns: the tokens of one QR code, and where it sits in the export. */
export interface MigrationBatch {
  tokens: Token[]
  /** `index` (0-based) of `size` codes in the export `id`: the app shows them one after another. */
  batch: { index: number; size: number; id: number }
}

export interface BuildMigrationOptions {
  /** Tokens per URI: default DEFAULT_MIGRATION_BATCH_SIZE (10). */
  batchSize?: number
}

// The enum values of MigrationPayload (declared as int32 below: the same varint on the wire).
const ALGORITHM_CODES: Record<number, Algorithm | 'MD5'> = { 0: 'SHA1', 1: 'SHA1', 2: 'SHA256', 3: 'SHA512', 4: 'MD5' }
const ALGORITHM_IDS: Record<Algorithm, number> = { SHA1: 1, SHA256: 2, SHA512: 3 }
const DIGIT_CODES: Record<number, number> = { 0: 6, 1: 6, 2: 8 }
const HOTP = 1
const TOTP = 2
const MAX_INT64 = (1n << 63n) - 1n

interface OtpParameters {
  secret: Uint8Array
  name: string
  issuer: string
  algorithm: number
  digits: number
  type: number
  counter: bigint
}

interface MigrationPayload {
  otpParameters: OtpParameters[]
  batchSize: number
  batchIndex: number
  batchId: number
}

/*
 * The message layout (the format's published field numbers):
 *
 *   message MigrationPayload {
 *     repeated OtpParameters otp_parameters = 1;
 *     int32 version = 2; int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5;
 *   }
 *   message OtpParameters {
 *     bytes secret = 1; string name = 2; string issuer = 3;
 *     Algorithm algorithm = 4;  // 0 unspecified, 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5
 *     DigitCount digits = 5;    // 0 unspecified, 1 six, 2 eight
 *     OtpType type = 6;         // 0 unspecified, 1 HOTP, 2 TOTP
 *     int64 counter = 7;
 *   }
 */

/** Reads a field's value after checking its wire type: a mismatch means the bytes are not this message. */
function expectWire(actual: WireType, expected: WireType, field: string): void {
  if (actual !== expected) throw new Error(`field ${field} has wire type ${actual}, expected ${expected}`)
}

function readPayload(bytes: Uint8Array): MigrationPayload {
  const reader = new BinaryReader(bytes)
  const payload: MigrationPayload = { otpParameters: [], batchSize: 0, batchIndex: 0, batchId: 0 }
  while (reader.pos < reader.len) {
    const [field, wire] = reader.tag()
    switch (field) {
      case 1:
        expectWire(wire, WireType.LengthDelimited, 'otp_parameters')
        payload.otpParameters.push(readParameters(reader, reader.uint32()))
        break
      case 3:
        expectWire(wire, WireType.Varint, 'batch_size')
        payload.batchSize = reader.int32()
        break
      case 4:
        expectWire(wire, WireType.Varint, 'batch_index')
        payload.batchIndex = reader.int32()
        break
      case 5:
        expectWire(wire, WireType.Varint, 'batch_id')
        payload.batchId = reader.int32()
        break
      default: // version (2) and fields of later versions
        reader.skip(wire, field)
    }
  }
  return payload
}

function readParameters(reader: BinaryReader, length: number): OtpParameters {
  const end = reader.pos + length
  if (end > reader.len) throw new Error('otp_parameters runs past the end of the payload')
  const entry: OtpParameters = { secret: new Uint8Array(0), name: '', issuer: '', algorithm: 0, digits: 0, type: 0, counter: 0n }
  while (reader.pos < end) {
    const [field, wire] = reader.tag()
    switch (field) {
      case 1:
        expectWire(wire, WireType.LengthDelimited, 'secret')
        entry.secret = reader.bytes()
        break
      case 2:
        expectWire(wire, WireType.LengthDelimited, 'name')
        entry.name = reader.string()
        break
      case 3:
        expectWire(wire, WireType.LengthDelimited, 'issuer')
        entry.issuer = reader.string()
        break
      case 4:
        expectWire(wire, WireType.Varint, 'algorithm')
        entry.algorithm = reader.int32()
        break
      case 5:
        expectWire(wire, WireType.Varint, 'digits')
        entry.digits = reader.int32()
        break
      case 6:
        expectWire(wire, WireType.Varint, 'type')
        entry.type = reader.int32()
        break
      case 7:
        expectWire(wire, WireType.Varint, 'counter')
        entry.counter = BigInt(reader.int64())
        break
      default:
        reader.skip(wire, field)
    }
  }
  if (reader.pos !== end) throw new Error('otp_parameters does not end where its length says')
  return entry
}

function writePayload(entries: OtpParameters[], batch: { size: number; index: number; id: number }): Uint8Array {
  const writer = new BinaryWriter()
  for (const e of entries) {
    writer.tag(1, WireType.LengthDelimited).fork()
    writer.tag(1, WireType.LengthDelimited).bytes(e.secret)
    writer.tag(2, WireType.LengthDelimited).string(e.name)
    if (e.issuer !== '') writer.tag(3, WireType.LengthDelimited).string(e.issuer)
    writer.tag(4, WireType.Varint).int32(e.algorithm)
    writer.tag(5, WireType.Varint).int32(e.digits)
    writer.tag(6, WireType.Varint).int32(e.type)
    if (e.counter !== 0n) writer.tag(7, WireType.Varint).int64(e.counter)
    writer.join()
  }
  writer.tag(2, WireType.Varint).int32(1) // version
  writer.tag(3, WireType.Varint).int32(batch.size)
  writer.tag(4, WireType.Varint).int32(batch.index)
  writer.tag(5, WireType.Varint).int32(batch.id)
  return writer.finish()
}

/**
 * Reads one `otpauth-migration://offline?data=...` URI (one QR code of an export).
 *
 * Algorithms SHA1, SHA256 and SHA512 (unspecified reads as SHA1, as the app does); MD5 is refused.
 * Digits 6 or 8 (unspecified: 6). TOTP tokens have period 30, the only one the format knows; HOTP
 * tokens their counter. A name `Issuer:account` is split as the apps show it, when the prefix is
 * the token's issuer or the token has none; the issuer field wins. `batch.size` is at least 1.
 * Lenient about the base64 (URL-safe letters, missing padding, '+' turned to a space).
 *
 * @throws OtpError INVALID_MIGRATION naming what is wrong and which entry; never a secret.
 */
export function parseMigrationUri(uri: string): MigrationBatch {
  if (typeof uri !== 'string') throw invalid(`expected an otpauth-migration:// URI string, got ${describe(uri)}`)
  const text = uri.trim()
  if (text.length > MAX_MIGRATION_URI_LENGTH) {
    throw invalid(`the URI is ${text.length} characters long, above the limit of ${MAX_MIGRATION_URI_LENGTH}`)
  }
  const match = /^otpauth-migration:\/\/offline\/?\?(.*)$/is.exec(text)
  if (match === null) throw invalid('expected it to start with otpauth-migration://offline?')
  let data: string | undefined
  for (const pair of match[1]!.split('#', 1)[0]!.split('&')) {
    const equals = pair.indexOf('=')
    if ((equals < 0 ? pair : pair.slice(0, equals)).toLowerCase() !== 'data') continue
    if (data !== undefined) throw invalid("the parameter 'data' is given twice")
    try {
      data = decodeURIComponent(pair.slice(equals + 1))
    } catch {
      throw invalid("the 'data' parameter has a malformed percent-encoding")
    }
  }
  if (data === undefined || data === '') throw invalid("expected a 'data' parameter (base64 of the payload), found none")

  let payload: MigrationPayload
  try {
    payload = readPayload(decodeBase64(data))
  } catch (error) {
    if (error instanceof OtpError) throw error
    throw invalid('the payload is not a valid MigrationPayload protobuf', error)
  }
  const tokens = payload.otpParameters.map((entry, i) => readEntry(entry, i))
  return {
    tokens,
    batch: { index: payload.batchIndex, size: Math.max(1, payload.batchSize), id: payload.batchId },
  }
}

function readEntry(entry: OtpParameters, i: number): Token {
  const where = `parseMigrationUri: otp_parameters[${i}]`
  const type = entry.type === HOTP ? 'hotp' : entry.type === TOTP ? 'totp' : undefined
  if (type === undefined) throw invalid(`otp_parameters[${i}]: unknown type ${entry.type} (expected 1 HOTP or 2 TOTP)`)
  const algorithm = ALGORITHM_CODES[entry.algorithm]
  if (algorithm === 'MD5') {
    throw invalid(`otp_parameters[${i}]: the algorithm is MD5, which RFC 4226 and RFC 6238 do not define and otp-wasm does not compute`)
  }
  if (algorithm === undefined)
    throw invalid(`otp_parameters[${i}]: unknown algorithm ${entry.algorithm} (expected 1 SHA1, 2 SHA256, 3 SHA512)`)
  const digits = DIGIT_CODES[entry.digits]
  if (digits === undefined) throw invalid(`otp_parameters[${i}]: unknown digits ${entry.digits} (expected 1 for six, 2 for eight)`)

  const { issuer, account } = splitName(entry.name, entry.issuer)
  const fields: Partial<Token> = { type, secret: entry.secret, account, algorithm, digits }
  if (issuer !== '') fields.issuer = issuer
  if (type === 'hotp') {
    if (entry.counter < 0n) throw invalid(`otp_parameters[${i}]: a negative counter (${entry.counter})`)
    fields.counter = normalizeCounter(entry.counter)
  } else {
    fields.period = 30
  }
  return readToken(fields, 'INVALID_MIGRATION', where)
}

/** `Issuer:account` as the apps show it: the issuer's prefix dropped, or without an issuer, split at the first ':'. */
function splitName(name: string, issuerField: string): { issuer: string; account: string } {
  if (issuerField !== '') {
    const prefixed = name.startsWith(`${issuerField}:`)
    return { issuer: issuerField, account: prefixed ? name.slice(issuerField.length + 1).replace(/^ +/, '') : name }
  }
  const colon = name.indexOf(':')
  if (colon > 0) return { issuer: name.slice(0, colon), account: name.slice(colon + 1).replace(/^ +/, '') }
  return { issuer: '', account: name }
}

/**
 * Writes tokens as `otpauth-migration://offline?data=...` URIs, `batchSize` tokens each (default
 * 10, which keeps each QR code easy to scan), numbered as one export with a random batch id.
 *
 * The format carries less than a Token: TOTP tokens must have period 30, digits must be 6 or 8, a
 * counter at most 2^63 - 1; serial, manufacturer, id and drift are not written. The name is
 * `Issuer:account` (or `account`), as Google Authenticator writes it.
 *
 * @returns one URI per batch; none for no tokens.
 * @throws OtpError INVALID_OPTIONS (tokens, batchSize, an account with ':' but no issuer),
 *   INVALID_DIGITS, INVALID_PERIOD, INVALID_COUNTER, and the codes of checkToken.
 */
export function buildMigrationUris(tokens: readonly Token[], options: BuildMigrationOptions = {}): string[] {
  if (!Array.isArray(tokens))
    throw new OtpError('INVALID_OPTIONS', `buildMigrationUris: expected an array of tokens, got ${describe(tokens)}`)
  if (options === null || typeof options !== 'object') {
    throw new OtpError('INVALID_OPTIONS', `buildMigrationUris: options must be an object, got ${describe(options)}`)
  }
  const batchSize = options.batchSize ?? DEFAULT_MIGRATION_BATCH_SIZE
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new OtpError('INVALID_OPTIONS', `buildMigrationUris: batchSize must be a whole number of at least 1, got ${describe(batchSize)}`)
  }
  const entries = tokens.map((token, i) => writeEntry(checkToken(token, `buildMigrationUris: tokens[${i}]`), i))
  const size = Math.ceil(entries.length / batchSize)
  const id = globalThis.crypto.getRandomValues(new Uint32Array(1))[0]! >>> 1 // int32, non-negative
  const uris: string[] = []
  for (let index = 0; index < size; index++) {
    const payload = writePayload(entries.slice(index * batchSize, (index + 1) * batchSize), { size, index, id })
    uris.push(`otpauth-migration://offline?data=${encodeURIComponent(base64Encode(payload))}`)
  }
  return uris
}

function writeEntry(token: Token, i: number): OtpParameters {
  const where = `buildMigrationUris: tokens[${i}]`
  if (token.digits !== 6 && token.digits !== 8) {
    throw new OtpError('INVALID_DIGITS', `${where}: the transfer format holds 6 or 8 digits, got ${token.digits}`)
  }
  if (token.type === 'totp' && token.period !== 30) {
    throw new OtpError('INVALID_PERIOD', `${where}: the transfer format holds TOTP tokens of period 30 only, got ${token.period}`)
  }
  const counter = token.type === 'hotp' ? BigInt(token.counter!) : 0n
  if (counter > MAX_INT64)
    throw new OtpError('INVALID_COUNTER', `${where}: the transfer format holds counters up to 2^63 - 1, got ${counter}`)
  const issuer = token.issuer ?? ''
  if (issuer === '' && token.account.includes(':')) {
    throw new OtpError(
      'INVALID_OPTIONS',
      `${where}: an account containing ':' needs an issuer, or readers take its first part as the issuer`,
    )
  }
  return {
    secret: token.secret,
    name: issuer === '' ? token.account : `${issuer}:${token.account}`,
    issuer,
    algorithm: ALGORITHM_IDS[token.algorithm],
    digits: token.digits === 8 ? 2 : 1,
    type: token.type === 'hotp' ? HOTP : TOTP,
    counter,
  }
}

const BASE64 = /^[A-Za-z0-9+/]*$/

/** Standard base64; also URL-safe letters, no padding, and spaces where a '+' was decoded as one. */
function decodeBase64(text: string): Uint8Array {
  const standard = text.trim().replace(/ /g, '+').replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '')
  // The library's decoder skips what it does not know; a stray character must not pass unnoticed.
  if (!BASE64.test(standard) || standard.length % 4 === 1) throw invalid("the 'data' parameter is not base64")
  return base64Decode(standard)
}

function invalid(reason: string, cause?: unknown): OtpError {
  return new OtpError('INVALID_MIGRATION', `parseMigrationUri: ${reason}`, cause === undefined ? undefined : { cause })
}

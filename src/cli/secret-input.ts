/**
 * Reads the SECRET argument of a command: base32 by default, hex or plain text when asked, or the
 * secret of an otpauth:// URI.
 *
 * How a secret is written is the most common reason two implementations disagree (the same letters
 * read as base32 or as text are different keys), so the format assumed is kept beside the key, for
 * messages to name.
 */
import { readFileSync } from 'node:fs'
import { OtpError } from '../core/errors.js'
import { base32Decode } from '../core/base32.js'
import { MAX_SECRET_BYTES } from '../core/secret.js'
import { parseUri, type OtpauthUri } from '../io/uri.js'
import { parseChoice } from './args.js'
import { UsageError } from './exit.js'

/** The ways a secret can be written on the command line. */
export const SECRET_FORMATS = ['base32', 'hex', 'text'] as const
export type SecretFormat = (typeof SECRET_FORMATS)[number]

/** A secret read from the command line. */
export interface SecretInput {
  key: Uint8Array
  /** How the text was read; 'uri' for the base32 secret of an otpauth:// URI. */
  format: SecretFormat | 'uri'
  /** The whole URI, when the argument was one. */
  uri?: OtpauthUri
  /** The text the key was read from, for trying the other formats when a code does not verify. */
  text: string
}

/** The `--secret-format` option, for commands that take a SECRET. */
export const SECRET_FORMAT_OPTION = { 'secret-format': { type: 'string' } } as const

/** The help lines describing SECRET. */
export const SECRET_HELP = `SECRET is base32 (case and spaces ignored, '=' padding allowed), or:
  hex:3132...          hex bytes            (or --secret-format hex)
  text:12345678...     the UTF-8 bytes      (or --secret-format text)
  otpauth://...        a Key URI: its secret and parameters (flags override them)
  -                    read the secret (or URI) from the first line of standard input`

/**
 * Reads SECRET. '-' reads it from standard input; a `hex:`, `text:` or `base32:` prefix picks the
 * format unless `--secret-format` was given, in which case the whole argument is read in that format.
 */
export function readSecret(argument: string, formatOption: string | undefined): SecretInput {
  return parseSecretText(argument === '-' ? readFirstLineOfStdin() : argument, formatOption)
}

/** Reads a secret's text (or an otpauth:// URI) as readSecret does, without the '-' for stdin. */
export function parseSecretText(text: string, formatOption: string | undefined): SecretInput {
  const explicit = formatOption === undefined ? undefined : parseChoice(formatOption, '--secret-format', SECRET_FORMATS)
  if (/^otpauth-migration:/i.test(text.trimStart())) throw new UsageError(MIGRATION_URI)
  if (/^otpauth:\/\//i.test(text.trimStart())) {
    if (explicit !== undefined) {
      throw new UsageError('--secret-format does not apply to an otpauth:// URI, whose secret is base32')
    }
    const uri = parseUriQuietly(text)
    return { key: uri.secret, format: 'uri', uri, text: '' }
  }
  let format: SecretFormat = explicit ?? 'base32'
  let body = text
  const prefix = /^(base32|hex|text):/i.exec(text)
  if (explicit === undefined && prefix !== null) {
    format = prefix[1]!.toLowerCase() as SecretFormat
    body = text.slice(prefix[0].length)
  }
  return { key: decodeSecret(body, format), format, text: body }
}

/** What to say of a Google Authenticator export given where one secret goes. */
export const MIGRATION_URI =
  'the secret is an otpauth-migration:// URI: a Google Authenticator export, which holds a batch of ' +
  "tokens rather than one secret; import its tokens with 'otp import URI', then use them one by one"

/**
 * parseUri, with the values its messages quote taken out: a URI given on a command line is a secret,
 * and a value that parseUri finds wrong (a type, a digits or period parameter) may be part of one.
 */
export function parseUriQuietly(text: string): OtpauthUri {
  try {
    return parseUri(text)
  } catch (error) {
    if (!(error instanceof OtpError)) throw error
    throw new OtpError(error.code, error.message.replace(/, got '[^']*'(\.\.\.)?/g, '').replace(/^parseUri: /, 'the URI: '))
  }
}

/** The key bytes of `text` read in `format`; a UsageError (never echoing the text) when it is not. */
export function decodeSecret(text: string, format: SecretFormat): Uint8Array {
  const key = format === 'hex' ? decodeHex(text) : format === 'text' ? new TextEncoder().encode(text) : decodeBase32(text)
  if (key.length === 0) throw new UsageError(`the secret is empty (read as ${format})`)
  if (key.length > MAX_SECRET_BYTES) {
    throw new UsageError(`the secret is ${key.length} bytes (read as ${format}); at most ${MAX_SECRET_BYTES} are accepted`)
  }
  return key
}

/** Describes how a secret was read, without any byte of it: "base32, 20 bytes". */
export function describeSecret(secret: SecretInput): string {
  const how = secret.format === 'uri' ? 'base32 from the URI' : secret.format
  return `${how}, ${secret.key.length} bytes`
}

function decodeBase32(text: string): Uint8Array {
  try {
    return base32Decode(text)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new UsageError(`${reason}; for a hex or text secret use --secret-format hex|text or a hex: / text: prefix`)
  }
}

/** Hex digits, in pairs; spaces and colons between them and a leading 0x are allowed. */
function decodeHex(text: string): Uint8Array {
  const digits = text.replace(/^0x/i, '').replace(/[\s:]/g, '')
  const bad = digits.search(/[^0-9a-f]/i)
  if (bad >= 0) throw new UsageError(`hex secret has a character that is not a hex digit at position ${bad}`)
  if (digits.length % 2 !== 0) throw new UsageError(`hex secret has an odd number of digits (${digits.length})`)
  return Uint8Array.from(Buffer.from(digits, 'hex'))
}

/** The first line of standard input, without its line ending: how a secret stays out of `ps`. */
function readFirstLineOfStdin(): string {
  let input: string
  try {
    input = readFileSync(0, 'utf8')
  } catch {
    throw new UsageError("SECRET is '-' but standard input could not be read")
  }
  const line = input.split(/\r?\n/, 1)[0]!.trim()
  if (line === '') throw new UsageError("SECRET is '-' but the first line of standard input is empty")
  return line
}

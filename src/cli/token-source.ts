/**
 * What `otp import` reads: a PSKC file (streamed, one key package at a time), Google Authenticator
 * transfer URIs, otpauth:// URIs one per line, or a seed CSV file, told apart by their first bytes
 * unless --format says. Each token comes with where it was in the input (a line, a key package, a
 * URI's entry), so that a refused token is reported by its place, never by its secret.
 */
import { closeSync, createReadStream, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { OtpError } from '../core/errors.js'
import { parseMigrationUri } from '../io/migration.js'
import { parsePskcStream } from '../io/pskc/parse.js'
import { parseSeedCsv, type SecretEncoding } from '../io/seed-csv.js'
import type { Token } from '../io/token.js'
import { pathShown } from './args.js'
import { UsageError } from './exit.js'
import { parseUriQuietly } from './secret-input.js'

export const IMPORT_FORMATS = ['pskc', 'migration', 'csv', 'uri'] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

/** A token read, or the error of an entry that could not be read (a malformed URI), and where it was. */
export type SourcedToken =
  | { readonly token: Token; readonly error?: undefined; readonly where: string }
  | { readonly token?: undefined; readonly error: OtpError; readonly where: string }

/** The tokens of an import, and how far through its input the reading is. */
export interface TokenSource {
  readonly format: ImportFormat
  /** What is being read, for the summary: a file name, or "2 URIs". */
  readonly name: string
  /** The input's size in bytes, when known (for a progress bar). */
  readonly size: number | undefined
  /** Bytes read so far. */
  bytesRead(): number
  readonly tokens: AsyncIterable<SourcedToken>
}

/** How the secrets of a PSKC file are unlocked. */
export interface Unlock {
  password?: string
  key?: Uint8Array
}

/** Bytes looked at to tell the format of a file. */
const SNIFF_BYTES = 64 * 1024

/**
 * The token source of `inputs`: URIs given on the command line, or one file (`-` for standard input).
 * `format` forces a format; otherwise it is told from the content.
 */
export function openTokenSource(
  inputs: readonly string[],
  format: ImportFormat | undefined,
  unlock: Unlock,
  encoding?: SecretEncoding,
): TokenSource {
  if (inputs.every((input) => /^otpauth(-migration)?:\/\//i.test(input))) return uriArguments(inputs, format)
  if (inputs.length > 1) throw new UsageError('expected one FILE, or otpauth:// / otpauth-migration:// URIs as arguments')
  const file = inputs[0]!
  if (/^otpauth(-migration)?:/i.test(file))
    throw new UsageError('the argument looks like an otpauth URI, but not one of otpauth:// or otpauth-migration://')
  const stdin = file === '-'
  let size: number | undefined
  if (!stdin) {
    try {
      const stat = statSync(file)
      if (stat.isDirectory()) throw new UsageError(`${pathShown(file)} is a directory, not a token file`)
      size = stat.size
    } catch (error) {
      if (error instanceof UsageError) throw error
      throw new UsageError(`cannot read ${pathShown(file)}: ${(error as NodeJS.ErrnoException).code ?? 'failed'}`)
    }
  }
  const name = stdin ? 'standard input' : pathShown(file)
  // Standard input is read whole (its format is told from its first bytes); a PSKC file is streamed.
  if (stdin) return textSource(readFileSync(0, 'utf8'), format, name, undefined, unlock, encoding)
  const kind = format ?? sniff(file)
  if (kind === 'pskc') return pskcSource(file, name, size, unlock)
  return textSource(readFileSync(file, 'utf8'), kind, name, size, unlock, encoding)
}

/** The format of a file, from its first bytes. */
function sniff(file: string): ImportFormat {
  const fd = openSync(file, 'r')
  try {
    const head = Buffer.alloc(SNIFF_BYTES)
    const length = readSync(fd, head, 0, SNIFF_BYTES, 0)
    return formatOf(head.toString('utf8', 0, length))
  } finally {
    closeSync(fd)
  }
}

/** XML with a KeyContainer is PSKC; a first line with a transfer URI, a migration; otpauth://, URIs; else CSV. */
function formatOf(head: string): ImportFormat {
  const text = head.replace(/^\uFEFF/, '').trimStart()
  if (text.startsWith('<') && /<([\w.-]+:)?KeyContainer[\s>]/.test(text)) return 'pskc'
  if (/^otpauth-migration:\/\//i.test(text)) return 'migration'
  if (/^otpauth:\/\//i.test(text)) return 'uri'
  return 'csv'
}

function pskcSource(file: string, name: string, size: number | undefined, unlock: Unlock): TokenSource {
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 })
  async function* tokens(): AsyncGenerator<SourcedToken> {
    let n = 0
    try {
      for await (const token of parsePskcStream(stream, unlock)) yield { token, where: `key package ${++n}` }
    } finally {
      stream.destroy()
    }
  }
  return { format: 'pskc', name, size, bytesRead: () => stream.bytesRead, tokens: tokens() }
}

/** A source read whole: transfer URIs, otpauth:// lines, seed CSV (and PSKC from standard input). */
function textSource(
  text: string,
  format: ImportFormat | undefined,
  name: string,
  size: number | undefined,
  unlock: Unlock,
  encoding?: SecretEncoding,
): TokenSource {
  const kind = format ?? formatOf(text)
  const total = Buffer.byteLength(text)
  let read: SourcedToken[]
  let done = 0
  if (kind === 'pskc') {
    return {
      format: kind,
      name,
      size: total,
      bytesRead: () => total,
      tokens: (async function* () {
        let n = 0
        for await (const token of parsePskcStream([text], unlock)) yield { token, where: `key package ${++n}` }
      })(),
    }
  }
  if (kind === 'csv') {
    read = parseSeedCsv(text, { secretEncoding: encoding }).map((token, i) => ({ token, where: `data row ${i + 1}` }))
  } else {
    read = []
    text.split(/\r?\n/).forEach((line, i) => {
      const uri = line.trim()
      if (uri === '' || uri.startsWith('#')) return
      read.push(...tokensOfUri(uri, kind, `line ${i + 1}`))
    })
  }
  return {
    format: kind,
    name,
    size: size ?? total,
    bytesRead: () => Math.round((done / Math.max(read.length, 1)) * (size ?? total)),
    tokens: (async function* () {
      for (const item of read) {
        done++
        yield item
      }
    })(),
  }
}

function uriArguments(uris: readonly string[], format: ImportFormat | undefined): TokenSource {
  if (format === 'pskc' || format === 'csv') throw new UsageError(`--format ${format} reads a FILE, but the arguments are URIs`)
  const read = uris.flatMap((uri, i) => tokensOfUri(uri, /^otpauth-migration:/i.test(uri) ? 'migration' : 'uri', `URI ${i + 1}`))
  return {
    format: read.length > 0 && /^otpauth-migration:/i.test(uris[0]!) ? 'migration' : 'uri',
    name: `${uris.length} URI${uris.length === 1 ? '' : 's'}`,
    size: undefined,
    bytesRead: () => 0,
    tokens: (async function* () {
      yield* read
    })(),
  }
}

/** The tokens of one URI; a URI that is not of the expected kind, or malformed, is one error entry. */
function tokensOfUri(uri: string, kind: ImportFormat, where: string): SourcedToken[] {
  const migration = /^otpauth-migration:/i.test(uri)
  try {
    if (kind === 'migration' && !migration) throw new OtpError('INVALID_MIGRATION', 'expected an otpauth-migration:// URI')
    if (kind === 'uri' && !/^otpauth:/i.test(uri)) throw new OtpError('INVALID_URI', 'expected an otpauth:// URI')
    if (migration) return parseMigrationUri(uri).tokens.map((token, i) => ({ token, where: `${where}, entry ${i + 1}` }))
    return [{ token: parseUriQuietly(uri), where }]
  } catch (error) {
    // One URI that cannot be read is one failure: the other lines go on.
    if (!(error instanceof OtpError)) throw error
    return [{ error, where }]
  }
}

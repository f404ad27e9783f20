/**
 * `otp import`: enrols every token of a PSKC file, Google Authenticator transfer URIs, otpauth://
 * URIs or a seed CSV file into the token database of `otp enroll`, through verifier.enrollMany (a
 * store transaction per chunk). A token whose id is taken is skipped, so an import that stopped part
 * way can be run again. The summary names each refused token by its place in the input and why,
 * never by its secret.
 */
import { OtpError } from '../../core/errors.js'
import type { Token } from '../../io/token.js'
import type { EnrollEntry, EnrollParams, TokenInfo } from '../../verifier/index.js'
import { parseChoice, parseCommandLine } from '../args.js'
import { Progress } from '../batch/progress.js'
import type { Command } from '../command.js'
import { EXIT_OK, EXIT_USAGE, UsageError } from '../exit.js'
import { checkKeyFileOption } from '../key-file-option.js'
import { DB_HELP, DB_OPTION, KEY_FILE_HELP, KEY_FILE_OPTION, dbPath, openVerifier, type OpenVerifier } from '../token-db.js'
import { IMPORT_FORMATS, openTokenSource, type SourcedToken, type TokenSource } from '../token-source.js'
import { TRANSFER_KEY_HELP, TRANSFER_KEY_OPTIONS, readTransferKey } from '../transfer-key.js'

const OPTIONS = {
  format: { type: 'string' },
  prefix: { type: 'string' },
  'secret-encoding': { type: 'string' },
  ...TRANSFER_KEY_OPTIONS,
  ...DB_OPTION,
  ...KEY_FILE_OPTION,
} as const

/** Refused tokens listed one per line in the summary; the rest are counted. */
const LISTED_FAILURES = 20
/** Tokens read and enrolled at a time, in one store transaction. */
const PIECE = 4096
/** Inputs from this size on get a progress bar (on a terminal). */
const PROGRESS_BYTES = 1024 * 1024

export const importCommand: Command = {
  name: 'import',
  help: `Usage: otp import FILE [--password-file F | --pskc-key-file F] [--prefix P] [--format F] [--db FILE]
       otp import URI... [--prefix P] [--db FILE]

Enrols every token of FILE into the token database of 'otp enroll' and 'otp check'. FILE is
told apart by its content (or --format): a PSKC file (RFC 6030 XML with a KeyContainer, read as
a stream, so files of any size), otpauth-migration:// URIs (a Google Authenticator export, one
per line), otpauth:// URIs (one per line), or else a seed CSV file with a header row. URIs may
also be given as arguments; '-' reads FILE from standard input.

Each token's id is its account name, else its serial number, else its id in the file, after
the --prefix. A token whose id is already enrolled is skipped (run the import again after a
stop: what was enrolled is skipped). A token refused for its contents is listed by its line or
key package and why; the others are enrolled. Secrets are never printed.

Options:
  --format F         pskc, migration, csv or uri (default: told from the content)
  --prefix P         put P before every token id (e.g. 'acme:')
${TRANSFER_KEY_HELP}
  --secret-encoding E  hex or base32: how a CSV file's secrets are written, when its header does not say
${DB_HELP}
${KEY_FILE_HELP}
  -h, --help         show this help

Examples:
  otp import tokens.pskcxml --password-file pw.txt      a PBKDF2-encrypted PSKC file
  otp import 'otpauth-migration://offline?data=...'     a Google Authenticator export
  otp import seeds.csv --prefix hw:                     a vendor's seed file

Exit status: 0 when every token was enrolled or skipped as already enrolled, 2 when any token
was refused or the input could not be read.`,

  async run(argv) {
    const { values, positionals } = parseCommandLine(argv, OPTIONS)
    if (positionals.length === 0) throw new UsageError('expected FILE, or one or more otpauth:// or otpauth-migration:// URIs')
    const format = values.format === undefined ? undefined : parseChoice(values.format, '--format', IMPORT_FORMATS)
    const encoding =
      values['secret-encoding'] === undefined
        ? undefined
        : parseChoice(values['secret-encoding'], '--secret-encoding', ['hex', 'base32'] as const)
    const prefix = values.prefix ?? ''
    const keyFile = checkKeyFileOption(values['key-file'])
    const unlock = readTransferKey(values)
    const source = openTokenSource(positionals, format, unlock, encoding)
    if (source.format !== 'pskc' && (unlock.password !== undefined || unlock.key !== undefined)) {
      throw new UsageError(`--password-file and --pskc-key-file unlock PSKC files; this input is ${source.format}`)
    }
    if (source.format !== 'csv' && encoding !== undefined)
      throw new UsageError(`--secret-encoding describes CSV files; this input is ${source.format}`)

    const db = dbPath(values.db)
    let open: OpenVerifier | undefined
    const tally: Tally = { read: 0, enrolled: 0, skipped: 0, failures: [] }
    const progress =
      process.stderr.isTTY && (source.size ?? 0) >= PROGRESS_BYTES ? new Progress(process.stderr, source.size, 'tokens') : undefined
    let fault: unknown
    try {
      open = await openVerifier({ db, keyFile, create: true })
      const { verifier } = open
      fault = await enrollPieces(source, prefix, tally, async (entries) => {
        // One transaction (one sync to disk) per piece.
        const results = await verifier.enrollMany(entries, { batchSize: PIECE })
        progress?.update(source.bytesRead(), tally.read)
        return results
      })
      progress?.finish(source.bytesRead(), tally.read)
    } finally {
      unlock.key?.fill(0)
      await open?.close()
    }

    const { enrolled, skipped, failures } = tally
    const out = process.stdout
    out.write(
      `otp import: ${source.name} (${source.format}) into ${db}: ${enrolled} enrolled, ${skipped} skipped (already enrolled), ${failures.length} failed\n`,
    )
    for (const line of failures.slice(0, LISTED_FAILURES)) out.write(`  ${line}\n`)
    if (failures.length > LISTED_FAILURES) out.write(`  ... and ${failures.length - LISTED_FAILURES} more\n`)
    if (fault !== undefined) {
      if (!(fault instanceof OtpError)) throw fault
      throw new OtpError(
        fault.code,
        `stopped after ${tally.read} tokens (run the import again: the enrolled ones are skipped): ${fault.message}`,
        {
          cause: fault,
        },
      )
    }
    return failures.length === 0 ? EXIT_OK : EXIT_USAGE
  },
}

/** What became of the tokens so far: counts, and each refusal as a line naming its place. */
interface Tally {
  read: number
  enrolled: number
  skipped: number
  failures: string[]
}

/**
 * Reads the source a piece at a time and hands each piece's entries to `enroll` (enrollMany), so
 * that memory holds one piece of tokens and the counts, whatever the size of the input. Each token
 * is named by its account, serial or id after the prefix, and its secret wiped once enrolled (or
 * refused). Resolves the fault that stopped the import (a malformed key package part way through a
 * file, a failing store), if any: the pieces before it are enrolled all the same.
 */
async function enrollPieces(
  source: TokenSource,
  prefix: string,
  tally: Tally,
  enroll: (entries: EnrollEntry[]) => Promise<Array<TokenInfo | OtpError>>,
): Promise<unknown> {
  const items = source.tokens[Symbol.asyncIterator]()
  let fault: unknown
  while (fault === undefined) {
    const entries: EnrollEntry[] = []
    const places: string[] = []
    const secrets: Uint8Array[] = []
    try {
      while (entries.length < PIECE) {
        let next: IteratorResult<SourcedToken>
        try {
          next = await items.next()
        } catch (error) {
          fault = error
          break
        }
        if (next.done === true) break
        const item = next.value
        tally.read++
        if (item.token !== undefined) secrets.push(item.token.secret)
        const entry = entryOf(item, prefix)
        if (entry instanceof OtpError) {
          tally.failures.push(`${item.where}: ${entry.message} (${entry.code})`)
          continue
        }
        entries.push(entry)
        places.push(item.where)
      }
      if (entries.length === 0) return fault
      const results = await enroll(entries).catch((error: unknown) => {
        fault = error
        return []
      })
      results.forEach((result, i) => {
        if (!(result instanceof OtpError)) tally.enrolled++
        else if (result.code === 'TOKEN_EXISTS') tally.skipped++
        else tally.failures.push(`${places[i]}: ${result.message} (${result.code})`)
      })
    } finally {
      for (const secret of secrets) secret.fill(0)
    }
  }
  return fault
}

/** The entry of a token, or why it cannot be enrolled as it is. */
function entryOf(item: SourcedToken, prefix: string): EnrollEntry | OtpError {
  if (item.error !== undefined) return item.error
  const token = item.token
  const name = token.account || token.serial || token.id
  if (!name) return new OtpError('INVALID_TOKEN_ID', 'the token has no account, serial or id to name it by')
  if (token.encoding === 'steam')
    return new OtpError('INVALID_OPTIONS', 'a Steam Guard token cannot be enrolled: the verifier checks decimal codes')
  return { tokenId: `${prefix}${name}`, secret: token.secret, params: paramsOf(token) }
}

function paramsOf(token: Token): EnrollParams {
  return token.type === 'hotp'
    ? { type: 'hotp', algorithm: token.algorithm, digits: token.digits, counter: token.counter ?? 0 }
    : { type: 'totp', algorithm: token.algorithm, digits: token.digits, period: token.period }
}

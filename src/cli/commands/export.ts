/**
 * `otp export`: the tokens of the token database, secrets included, as a PSKC file, Google
 * Authenticator transfer URIs, otpauth:// URIs or a seed CSV file. Secrets leave the database only
 * in one of three explicit ways: a PSKC file encrypted under a password or key, QR codes drawn on a
 * terminal (--qr), or, with --plain, a file of mode 600. Anything else is refused before the
 * database is opened, so a refused export has read no secret.
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import type { Token } from '../../io/token.js'
import { parseChoice, parseCommandLine, pathShown } from '../args.js'
import type { Command } from '../command.js'
import { EXIT_OK, UsageError } from '../exit.js'
import { checkKeyFileOption } from '../key-file-option.js'
import { DB_HELP, DB_OPTION, KEY_FILE_HELP, KEY_FILE_OPTION, dbPath, openVerifier, type OpenVerifier } from '../token-db.js'
import { IMPORT_FORMATS, type ImportFormat } from '../token-source.js'
import { TRANSFER_KEY_HELP, TRANSFER_KEY_OPTIONS, readTransferKey } from '../transfer-key.js'

const OPTIONS = {
  format: { type: 'string' },
  ids: { type: 'string' },
  qr: { type: 'boolean' },
  light: { type: 'boolean' },
  plain: { type: 'boolean' },
  out: { type: 'string' },
  ...TRANSFER_KEY_OPTIONS,
  ...DB_OPTION,
  ...KEY_FILE_OPTION,
} as const

export const exportCommand: Command = {
  name: 'export',
  help: `Usage: otp export [--format pskc] (--password-file F | --pskc-key-file F) [--out FILE] [--ids A,B,...]
       otp export --format migration|uri --qr [--light] [--ids A,B,...]
       otp export --format migration|uri|csv --plain --out FILE [--ids A,B,...]

Writes the tokens of the token database (all of them, or those of --ids), secrets included, for
another system or an authenticator app. Whoever holds the output can make every code, so the
secrets leave the database only in one of these ways:
  - a PSKC file (RFC 6030, the default format) encrypted under a password (PBKDF2-HMAC-SHA256,
    AES-256-CBC) or a pre-shared AES key, to FILE or standard output;
  - --qr: QR codes drawn on this terminal, one after another, for an app to scan (transfer
    URIs of 10 tokens each, or one otpauth:// URI per token);
  - --plain --out FILE: transfer URIs, otpauth:// URIs or seed CSV in plain text, in a new
    file of mode 600 (an existing file is not overwritten).
Anything else is refused, and no secret is read. A token's id is written as its account name
(and PSKC Key Id), so 'otp import' gives it the same id back. An HOTP token is written at the
counter its next code uses. Tokens with a t0 other than 0 cannot be exported.

Options:
  --format F         pskc (default), migration, uri or csv
  --ids A,B,...      only these tokens (default: every token)
${TRANSFER_KEY_HELP}
  --qr               draw QR codes on the terminal (migration, uri); --light for a light background
  --plain            write secrets in plain text (migration, uri, csv), with --out
  --out FILE         write to FILE (created with mode 600) instead of standard output
${DB_HELP}
${KEY_FILE_HELP}
  -h, --help         show this help

Examples:
  otp export --password-file pw.txt --out tokens.pskcxml   every token, encrypted
  otp export --format migration --qr --ids alice           to Google Authenticator
  otp export --format csv --plain --out seeds.csv          plain seeds, file mode 600

Exit status: 0 exported, 2 on a usage or input error (UNKNOWN_TOKEN for an id not enrolled).`,

  async run(argv) {
    const { values, positionals } = parseCommandLine(argv, OPTIONS)
    if (positionals.length > 0) throw new UsageError(`otp export takes no arguments (got ${positionals.length}); name tokens with --ids`)
    const format = values.format === undefined ? 'pskc' : parseChoice(values.format, '--format', IMPORT_FORMATS)
    const ids = values.ids === undefined ? undefined : parseIds(values.ids)
    const out = values.out
    if (out === '') throw new UsageError('--out needs a file name')
    if (values.light && !values.qr) throw new UsageError('--light describes the terminal for --qr, which is not given')
    const keyFile = checkKeyFileOption(values['key-file'])
    checkProtection(format, values)
    const protection = readTransferKey(values)

    let open: OpenVerifier | undefined
    let tokens: Token[] = []
    try {
      open = await openVerifier({ db: dbPath(values.db), keyFile, create: false })
      tokens = await open.verifier.exportTokens(ids)
      if (values.qr) {
        await drawQrCodes(format, tokens, values.light === true)
      } else {
        const text = await render(format, tokens, protection)
        if (out === undefined) process.stdout.write(text)
        else writePrivate(out, text)
      }
    } finally {
      for (const token of tokens) token.secret.fill(0)
      protection.key?.fill(0)
      await open?.close()
    }
    process.stderr.write(
      `otp export: ${tokens.length} token${tokens.length === 1 ? '' : 's'} exported (${format}${values.qr ? ', QR codes' : out === undefined ? '' : ` to ${pathShown(out)}`})\n`,
    )
    return EXIT_OK
  },
}

function parseIds(text: string): string[] {
  const ids = text.split(',').map((id) => id.trim())
  if (ids.some((id) => id === '')) throw new UsageError('--ids expects token ids separated by commas, e.g. --ids alice,bob')
  return ids
}

/** Refuses every way of exporting but the three the help lists, before any secret is read. */
function checkProtection(
  format: ImportFormat,
  values: { 'password-file'?: string; 'pskc-key-file'?: string; qr?: boolean; plain?: boolean; out?: string },
): void {
  const keyed = values['password-file'] !== undefined || values['pskc-key-file'] !== undefined
  if (format === 'pskc') {
    if (values.qr) throw new UsageError('--qr draws transfer or otpauth:// URIs: give --format migration or uri')
    if (values.plain) throw new UsageError('a PSKC export is encrypted: give --password-file or --pskc-key-file instead of --plain')
    if (!keyed) {
      throw new UsageError(
        'refusing to export secrets unprotected: give --password-file F or --pskc-key-file F (an encrypted PSKC file), ' +
          '--format migration|uri --qr (QR codes on this terminal), or --format migration|uri|csv --plain --out FILE',
      )
    }
    return
  }
  if (keyed)
    throw new UsageError(
      `--password-file and --pskc-key-file encrypt PSKC files; ${format} cannot be encrypted (use --qr or --plain --out FILE)`,
    )
  if (values.qr && values.plain) throw new UsageError('give --qr or --plain, not both')
  if (values.qr) {
    if (format === 'csv') throw new UsageError('--qr draws transfer or otpauth:// URIs: a CSV file has no QR code')
    if (values.out !== undefined) throw new UsageError('--qr draws on the terminal; it does not go with --out')
    if (!process.stdout.isTTY)
      throw new UsageError('--qr draws QR codes on a terminal, and standard output is not one (nothing was exported)')
    return
  }
  if (values.plain) {
    if (values.out === undefined) throw new UsageError('--plain writes secrets in plain text to a file of mode 600: give --out FILE')
    return
  }
  throw new UsageError(
    `refusing to export secrets as plain ${format} text without --plain: give --qr (QR codes on this terminal), ` +
      '--plain --out FILE (a file of mode 600), or --format pskc with --password-file F or --pskc-key-file F',
  )
}

async function render(format: ImportFormat, tokens: Token[], protection: { password?: string; key?: Uint8Array }): Promise<string> {
  switch (format) {
    case 'pskc': {
      const { buildPskc } = await import('../../io/pskc/build.js')
      return buildPskc(tokens, protection)
    }
    case 'csv': {
      const { buildSeedCsv } = await import('../../io/seed-csv.js')
      return buildSeedCsv(tokens)
    }
    case 'migration': {
      const { buildMigrationUris } = await import('../../io/migration.js')
      return buildMigrationUris(tokens)
        .map((uri) => `${uri}\n`)
        .join('')
    }
    case 'uri':
      return (await uris(tokens)).map((uri) => `${uri}\n`).join('')
  }
}

async function uris(tokens: Token[]): Promise<string[]> {
  const { buildUri } = await import('../../io/uri.js')
  return tokens.map((t) =>
    buildUri({
      type: t.type,
      secret: t.secret,
      account: t.account,
      issuer: t.issuer,
      algorithm: t.algorithm,
      digits: t.digits,
      ...(t.type === 'hotp' ? { counter: t.counter } : { period: t.period }),
    }),
  )
}

/** Each URI's QR code in turn, numbered, so that an app scanning a multi-code export takes them in order. */
async function drawQrCodes(format: ImportFormat, tokens: Token[], light: boolean): Promise<void> {
  const { qrTerminal } = await import('../../io/qr.js')
  let codes: string[]
  if (format === 'migration') {
    const { buildMigrationUris } = await import('../../io/migration.js')
    codes = buildMigrationUris(tokens)
  } else {
    codes = await uris(tokens)
  }
  for (const [i, uri] of codes.entries()) {
    const label = format === 'uri' ? ` (${tokens[i]!.id})` : ''
    process.stdout.write(`QR code ${i + 1} of ${codes.length}${label}:\n${await qrTerminal(uri, { darkBackground: !light })}\n`)
  }
}

/** Writes a new file of mode 600; an existing file is refused rather than overwritten (or left readable by others). */
function writePrivate(path: string, text: string): void {
  let fd: number
  try {
    fd = openSync(path, 'wx', 0o600)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST')
      throw new UsageError(`--out: ${pathShown(path)} exists; remove it or choose another name (it is not overwritten)`)
    throw new UsageError(`--out: cannot create ${pathShown(path)} (${code ?? 'failed'})`)
  }
  try {
    writeSync(fd, text)
  } finally {
    closeSync(fd)
  }
}

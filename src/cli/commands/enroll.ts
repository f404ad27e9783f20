/**
 * `otp enroll`: stores a token in the local token database, its secret sealed with the store key.
 * A generated secret is printed once, as base32 or as an otpauth:// URI, for the authenticator: the
 * database keeps it sealed and no other command ever shows it.
 */
import { base32Encode } from '../../core/base32.js'
import { OtpError } from '../../core/errors.js'
import { ALGORITHMS } from '../../core/kernel.js'
import type { EnrollParams } from '../../verifier/index.js'
import { buildUri } from '../../io/uri.js'
import { MAX_TOKEN_ID_LENGTH } from '../../verifier/token.js'
import { expectPositionals, parseChoice, parseCommandLine, parseCounter, parseInteger, parseTime } from '../args.js'
import type { Command } from '../command.js'
import { EXIT_OK, UsageError } from '../exit.js'
import { checkKeyFileOption } from '../key-file-option.js'
import { SECRET_FORMAT_OPTION, SECRET_HELP, readSecret, type SecretInput } from '../secret-input.js'
import { DB_HELP, DB_OPTION, KEY_FILE_HELP, KEY_FILE_OPTION, dbPath, openVerifier, type OpenVerifier } from '../token-db.js'
import { BYTES_HELP, BYTES_OPTION, generateSecret } from './secret.js'

const OPTIONS = {
  hotp: { type: 'string' },
  period: { type: 'string' },
  t0: { type: 'string' },
  digits: { type: 'string' },
  algorithm: { type: 'string' },
  ...SECRET_FORMAT_OPTION,
  ...BYTES_OPTION,
  uri: { type: 'boolean' },
  qr: { type: 'boolean' },
  light: { type: 'boolean' },
  issuer: { type: 'string' },
  account: { type: 'string' },
  replace: { type: 'boolean' },
  ...DB_OPTION,
  ...KEY_FILE_OPTION,
} as const

export const enrollCommand: Command = {
  name: 'enroll',
  help: `Usage: otp enroll TOKEN_ID [SECRET|URI] [--hotp COUNTER | --period S --t0 T] [options]
                   [--uri [--issuer X] [--account Y]] [--qr [--light]] [--db FILE] [--replace]

Stores the token TOKEN_ID in the token database, for 'otp check'. Its secret is sealed with
AES-GCM under the store key. Without SECRET a new random secret is made and printed once on
standard output, as base32 (or as the URI with --uri): put it in the authenticator then, since
it is never shown again. A given SECRET is not printed back unless --uri or --qr asks for it.

${SECRET_HELP}

Options:
  --hotp COUNTER     a counter-based token (RFC 4226) whose next code uses COUNTER (default: TOTP)
  --period S         TOTP time step in seconds (default 30, RFC 6238 X)
  --t0 T             TOTP start of time steps: unix seconds or ISO 8601 (default 0, RFC 6238 T0)
  --digits N         code length, 6 to 10 (default 6)
  --algorithm A      SHA1, SHA256 or SHA512 (default SHA1)
  --secret-format F  base32, hex or text: how SECRET is written
${BYTES_HELP}
  --uri              print the otpauth:// URI (it holds the secret) instead of the base32 secret
  --qr               also draw the URI's QR code in the terminal; --light for a light background
  --issuer X         the URI's issuer, your service's name
  --account Y        the URI's account name (default: TOKEN_ID)
  --replace          replace a token already enrolled under TOKEN_ID (its state is lost)
${DB_HELP}
${KEY_FILE_HELP}
  -h, --help         show this help

A new database without a key gets a new 32-byte key file beside it (FILE.key, mode 600); keep
the two together. An existing database is never given a new key.

Examples:
  otp enroll alice --uri --issuer ACME --qr   a new TOTP secret, shown once as a QR code
  otp enroll bob JBSWY3DPEHPK3PXP --hotp 0    a given secret, an HOTP token at counter 0
  otp enroll carol - < carol.uri              a secret or URI from a file (kept out of ps)

Exit status: 0 enrolled, 2 on a usage or input error (TOKEN_EXISTS when the id is taken).`,

  async run(argv) {
    const { values, positionals } = parseCommandLine(argv, OPTIONS)
    expectPositionals(positionals, ['TOKEN_ID', 'SECRET'], 1)
    if (positionals.length > 2) throw new UsageError(`expected TOKEN_ID and SECRET (or URI), got ${positionals.length} arguments`)
    const id = checkId(positionals[0]!)
    const keyFile = checkKeyFileOption(values['key-file'])
    const showUri = values.uri === true || values.qr === true
    if (!showUri && (values.issuer !== undefined || values.account !== undefined)) {
      throw new UsageError('--issuer and --account label the URI: add --uri or --qr')
    }
    if (values.light && !values.qr) throw new UsageError('--light describes the terminal for --qr, which is not given')
    const given = positionals[1]
    if (given !== undefined && values.bytes !== undefined) {
      throw new UsageError('--bytes sets the length of a generated secret; it does not go with SECRET')
    }
    if (given === undefined && values['secret-format'] !== undefined) {
      throw new UsageError('--secret-format describes SECRET, which is not given')
    }
    // Everything is checked before the database (or its key file) is created.
    const secret: SecretInput | undefined = given === undefined ? undefined : readSecret(given, values['secret-format'])
    const params = enrollParams(values, secret)
    if (showUri && params.type === 'totp' && params.t0 !== 0) {
      throw new UsageError('an otpauth:// URI cannot carry --t0 (apps count steps from 0): enrol without --uri and --qr')
    }
    const key = secret?.key ?? generateSecret(values.bytes)
    // Built before enrolling, so that a label the URI cannot hold stops the enrolment.
    const label = { issuer: values.issuer ?? secret?.uri?.issuer, account: values.account ?? secret?.uri?.account ?? id }
    const uri = showUri ? enrollUri(params, key, label) : undefined

    const db = dbPath(values.db)
    let open: OpenVerifier | undefined
    try {
      open = await openVerifier({ db, keyFile, create: true })
      // --replace is one store operation: a process killed part way leaves the old token or the new one.
      let replaced = false
      try {
        if (values.replace === true) replaced = (await open.verifier.replace(id, key, params)).replaced
        else await open.verifier.enroll(id, key, params)
      } catch (error) {
        if (error instanceof OtpError && error.code === 'TOKEN_EXISTS') {
          throw new OtpError('TOKEN_EXISTS', `${error.message} in ${db}; give --replace to replace it`)
        }
        throw error
      }
      if (uri !== undefined) {
        if (values.qr) {
          const { qrTerminal } = await import('../../io/qr.js')
          process.stdout.write(`${await qrTerminal(uri, { darkBackground: !values.light })}\n`)
        }
        process.stdout.write(`${uri}\n`)
      } else if (secret === undefined) {
        process.stdout.write(`${base32Encode(key)}\n`)
      }
      process.stderr.write(`otp enroll: ${replaced ? 'replaced' : 'enrolled'} ${JSON.stringify(id)} in ${db} (${describe(params)})\n`)
    } finally {
      key.fill(0)
      await open?.close()
    }
    return EXIT_OK
  },
}

/** The verifier's own limit on ids, checked before anything is created. */
function checkId(id: string): string {
  if (/^otpauth(-migration)?:/i.test(id)) {
    throw new UsageError('TOKEN_ID is an otpauth URI (not shown): the id comes first, as in otp enroll alice URI')
  }
  if (id.length === 0 || id.length > MAX_TOKEN_ID_LENGTH) {
    throw new UsageError(`TOKEN_ID must be 1 to ${MAX_TOKEN_ID_LENGTH} characters, got ${id.length}`)
  }
  return id
}

interface ParamValues {
  hotp?: string
  period?: string
  t0?: string
  digits?: string
  algorithm?: string
}

/**
 * The token's parameters: flags, else those of a URI given as SECRET, else the defaults. Flags of the
 * other token type are errors rather than silently ignored.
 */
function enrollParams(values: ParamValues, secret: SecretInput | undefined): EnrollParams & { digits: number } {
  const uri = secret?.uri
  const digits = values.digits !== undefined ? parseInteger(values.digits, '--digits', 6, 10) : (uri?.digits ?? 6)
  const algorithm = values.algorithm !== undefined ? parseChoice(values.algorithm, '--algorithm', ALGORITHMS) : (uri?.algorithm ?? 'SHA1')
  if (values.hotp !== undefined && uri?.type === 'totp') throw new UsageError('--hotp makes an HOTP token, but the URI is a totp one')
  if (values.hotp !== undefined || uri?.type === 'hotp') {
    for (const totpOnly of ['period', 't0'] as const) {
      if (values[totpOnly] !== undefined) throw new UsageError(`--${totpOnly} applies to TOTP, not to an HOTP token`)
    }
    const counter = values.hotp !== undefined ? parseCounter(values.hotp, '--hotp') : (uri!.counter ?? 0)
    return { type: 'hotp', counter, digits, algorithm }
  }
  const period = values.period !== undefined ? parseInteger(values.period, '--period', 1, Number.MAX_SAFE_INTEGER) : (uri?.period ?? 30)
  const t0 = values.t0 !== undefined ? parseTime(values.t0, '--t0') : 0
  return { type: 'totp', period, t0, digits, algorithm }
}

/** The otpauth:// URI of the token, for an authenticator app. */
function enrollUri(params: EnrollParams, key: Uint8Array, label: { issuer: string | undefined; account: string }): string {
  const common = { secret: key, ...label, algorithm: params.algorithm, digits: params.digits }
  return params.type === 'hotp'
    ? buildUri({ ...common, type: 'hotp', counter: params.counter ?? 0 })
    : buildUri({ ...common, type: 'totp', period: params.period })
}

/** "TOTP, SHA1, 6 digits, period 30 s" or "HOTP, SHA1, 6 digits, next counter 0". */
function describe(params: EnrollParams & { digits: number }): string {
  const common = `${params.algorithm ?? 'SHA1'}, ${params.digits} digits`
  return params.type === 'hotp'
    ? `HOTP, ${common}, next counter ${params.counter ?? 0}`
    : `TOTP, ${common}, period ${params.period ?? 30} s${params.t0 ? `, t0 ${params.t0}` : ''}`
}

/**
 * `otp uri`: the otpauth:// URI that enrols a secret in an authenticator app, optionally as a QR code.
 */
import { writeFileSync } from 'node:fs'
import { ALGORITHMS } from '../../core/kernel.js'
import { buildUri } from '../../io/uri.js'
import { parseChoice, parseCommandLine, parseCounter, parseInteger, pathShown } from '../args.js'
import type { Command } from '../command.js'
import { EXIT_OK, UsageError } from '../exit.js'
import { SECRET_FORMAT_OPTION, readSecret } from '../secret-input.js'
import { BYTES_HELP, BYTES_OPTION, generateSecret } from './secret.js'

const OPTIONS = {
  issuer: { type: 'string' },
  account: { type: 'string' },
  secret: { type: 'string' },
  ...SECRET_FORMAT_OPTION,
  ...BYTES_OPTION,
  hotp: { type: 'string' },
  digits: { type: 'string' },
  algorithm: { type: 'string' },
  period: { type: 'string' },
  qr: { type: 'boolean' },
  light: { type: 'boolean' },
  svg: { type: 'string' },
  png: { type: 'string' },
} as const

export const uriCommand: Command = {
  name: 'uri',
  help: `Usage: otp uri --issuer X --account Y [--secret S | --bytes N] [options]
                [--qr [--light]] [--svg FILE] [--png FILE]

Prints the otpauth:// Key URI that authenticator apps import, with the label "issuer:account"
and every parameter written out. Without --secret a new random secret is generated.

Options:
  --issuer X         who issues the secret: your service's name (required)
  --account Y        the user's account name, often an email address (required)
  --secret S         use this secret: base32, or hex:/text: (or --secret-format hex|text)
  --secret-format F  base32, hex or text: how --secret is written
${BYTES_HELP}
  --hotp COUNTER     an HOTP (counter-based) URI starting at COUNTER, instead of TOTP
  --period S         TOTP time step in seconds (default 30)
  --digits N         code length, 6 to 10 (default 6; most apps show only 6 or 8)
  --algorithm A      SHA1, SHA256 or SHA512 (default SHA1, the one every app supports)
  --qr               also draw the QR code in the terminal (UTF-8 blocks)
  --light            the terminal has a light background (for --qr)
  --svg FILE         write the QR code as an SVG file
  --png FILE         write the QR code as a PNG file
  -h, --help         show this help

The URI holds the secret: treat its output and QR files as secrets.

Examples:
  otp uri --issuer ACME --account alice@example.com --qr
                     a new secret: scan the QR code with the app, keep the URI's secret
  otp uri --issuer ACME --account alice --secret JBSWY3DPEHPK3PXP --png alice.png

Exit status: 0 on success, 2 on a usage or input error.`,

  async run(argv) {
    const { values, positionals } = parseCommandLine(argv, OPTIONS)
    if (positionals.length > 0) throw new UsageError('takes no arguments: give --issuer, --account and --secret as options')
    if (values.issuer === undefined || values.issuer === '') throw new UsageError('--issuer is required')
    if (values.account === undefined || values.account === '') throw new UsageError('--account is required')
    if (values.secret !== undefined && values.bytes !== undefined) {
      throw new UsageError('--bytes sets the length of a generated secret; it does not go with --secret')
    }
    if (values.secret === undefined && values['secret-format'] !== undefined) {
      throw new UsageError('--secret-format describes --secret, which is not given')
    }
    if (values.light && !values.qr) throw new UsageError('--light describes the terminal for --qr, which is not given')
    if (values.secret !== undefined && /^otpauth:/i.test(values.secret)) {
      throw new UsageError('--secret expects a secret, not an otpauth:// URI')
    }
    const secret = values.secret !== undefined ? readSecret(values.secret, values['secret-format']).key : generateSecret(values.bytes)
    const common = {
      secret,
      issuer: values.issuer,
      account: values.account,
      algorithm: values.algorithm === undefined ? 'SHA1' : parseChoice(values.algorithm, '--algorithm', ALGORITHMS),
      digits: values.digits === undefined ? 6 : parseInteger(values.digits, '--digits', 6, 10),
    }
    let uri: string
    if (values.hotp !== undefined) {
      if (values.period !== undefined) throw new UsageError('--period applies to TOTP, not to an --hotp URI')
      uri = buildUri({ ...common, type: 'hotp', counter: parseCounter(values.hotp, '--hotp') })
    } else {
      const period = values.period === undefined ? 30 : parseInteger(values.period, '--period', 1, Number.MAX_SAFE_INTEGER)
      uri = buildUri({ ...common, type: 'totp', period })
    }

    if (values.svg !== undefined || values.png !== undefined || values.qr) {
      // The QR encoder loads only when a QR code is asked for.
      const { qrPng, qrSvg, qrTerminal } = await import('../../io/qr.js')
      if (values.svg !== undefined) writeQrFile(values.svg, await qrSvg(uri))
      if (values.png !== undefined) writeQrFile(values.png, await qrPng(uri))
      if (values.qr) process.stdout.write(`${await qrTerminal(uri, { darkBackground: !values.light })}\n`)
    }
    process.stdout.write(`${uri}\n`)
    return EXIT_OK
  },
}

function writeQrFile(path: string, content: string | Uint8Array): void {
  try {
    // 0o600: the QR code holds the secret.
    writeFileSync(path, content, { mode: 0o600 })
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'write failed'
    throw new UsageError(`cannot write the QR code to ${pathShown(path)} (${reason})`)
  }
}

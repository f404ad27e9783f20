/**
 * `otp secret`: a new random secret, in base32.
 */
import { base32Encode } from '../../core/base32.js'
import { MAX_SECRET_BYTES, MIN_GENERATED_SECRET_BYTES, randomSecret } from '../../core/secret.js'
import { parseCommandLine, parseInteger } from '../args.js'
import type { Command } from '../command.js'
import { EXIT_OK, UsageError } from '../exit.js'

/** The --bytes option of commands that generate a secret. */
export const BYTES_OPTION = { bytes: { type: 'string' } } as const

export const BYTES_HELP = `  --bytes N          length of a generated secret, ${MIN_GENERATED_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes
                     (default 20: 160 bits, as RFC 4226 section 4 asks)`

/** A new secret of `--bytes` bytes (default 20); fewer than 160 bits are refused. */
export function generateSecret(bytesOption: string | undefined): Uint8Array {
  const bytes = bytesOption === undefined ? 20 : parseInteger(bytesOption, '--bytes', 0, Number.MAX_SAFE_INTEGER)
  if (bytes < MIN_GENERATED_SECRET_BYTES) {
    throw new UsageError(
      `--bytes ${bytes} is too short: a new secret needs at least ${MIN_GENERATED_SECRET_BYTES} bytes (160 bits, RFC 4226 section 4 R6)`,
    )
  }
  if (bytes > MAX_SECRET_BYTES) throw new UsageError(`--bytes expects at most ${MAX_SECRET_BYTES}, got ${bytes}`)
  return randomSecret(bytes)
}

export const secretCommand: Command = {
  name: 'secret',
  help: `Usage: otp secret [--bytes N]

Prints a new random secret from the system's CSPRNG as unpadded base32, the text that
authenticator apps take when a secret is typed in. The secret is what the app and the service
share: anyone who has it can make the codes. To give it to an app as a QR code, use 'otp uri'.

Options:
${BYTES_HELP}
  -h, --help         show this help

Examples:
  otp secret                 e.g. JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP (20 bytes)
  otp secret --bytes 32      a longer one, for SHA256

Exit status: 0 on success, 2 on a usage error.`,

  async run(argv) {
    const { values, positionals } = parseCommandLine(argv, BYTES_OPTION)
    if (positionals.length > 0) throw new UsageError('takes no arguments')
    process.stdout.write(`${base32Encode(generateSecret(values.bytes))}\n`)
    return EXIT_OK
  },
}

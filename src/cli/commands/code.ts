/**
 * `otp code`: the current TOTP code, or the HOTP code of a counter.
 */
import { parseCommandLine } from '../args.js'
import type { Command } from '../command.js'
import { codeFor, library } from '../compute.js'
import { EXIT_OK, UsageError } from '../exit.js'
import { OTP_OPTIONS, OTP_OPTIONS_HELP, resolveOtpParams } from '../otp-params.js'
import { SECRET_FORMAT_OPTION, SECRET_HELP, readSecret } from '../secret-input.js'

const OPTIONS = { ...OTP_OPTIONS, ...SECRET_FORMAT_OPTION, hotp: { type: 'string' }, steam: { type: 'boolean' } } as const

export const codeCommand: Command = {
  name: 'code',
  help: `Usage: otp code SECRET|URI [--hotp COUNTER | --time T] [options]

Prints the code: TOTP (RFC 6238) at the current time or --time, or HOTP (RFC 4226) for --hotp
COUNTER. An hotp URI uses its own counter unless --hotp is given.

${SECRET_HELP}

Options:
  --hotp COUNTER     HOTP for this counter (0 to 2^64 - 1) instead of TOTP
  --steam            a Steam Guard code (5 characters; also for a URI with encoder=steam)
${OTP_OPTIONS_HELP}
  --secret-format F  base32, hex or text: how SECRET is written
  -h, --help         show this help

Examples:
  otp code JBSWY3DPEHPK3PXP                  the code an app shows now for this secret
  otp code JBSWY3DPEHPK3PXP --time 2025-01-01T00:00:00Z
  otp code JBSWY3DPEHPK3PXP --hotp 7         the HOTP code of counter 7
  otp code - < secret.txt                    the secret from a file, not the command line

Exit status: 0 on success, 2 on a usage or input error.`,

  async run(argv) {
    const { values, positionals } = parseCommandLine(argv, OPTIONS)
    if (positionals.length !== 1) throw new UsageError(`expected SECRET or URI, got ${positionals.length} arguments`)
    const secret = readSecret(positionals[0]!, values['secret-format'])
    const params = resolveOtpParams(values, secret, { text: values.hotp, option: '--hotp' })
    if (values.steam || secret.uri?.encoding === 'steam') {
      if (params.type !== 'totp') throw new UsageError('--steam codes are TOTP codes: --hotp does not apply')
      if (values.digits !== undefined || values.algorithm !== undefined)
        throw new UsageError('--steam codes are 5 characters of SHA-1: --digits and --algorithm do not apply')
      process.stdout.write(
        `${library().totp(secret.key, { encoding: 'steam', time: params.time, period: params.period, t0: params.t0 })}\n`,
      )
      return EXIT_OK
    }
    process.stdout.write(`${codeFor(secret.key, params)}\n`)
    return EXIT_OK
  },
}

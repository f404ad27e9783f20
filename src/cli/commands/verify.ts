/**
 * `otp verify`: checks a code, and says why when it does not verify.
 */
import { MAX_WINDOW } from '../../core/validate.js'
import { parseCommandLine, parseInteger } from '../args.js'
import type { Command } from '../command.js'
import { checkCodeText, timeStep, typedCode, verifyWith } from '../compute.js'
import { explainMismatch } from '../diagnose.js'
import { EXIT_INVALID, EXIT_OK, UsageError } from '../exit.js'
import { OTP_OPTIONS, OTP_OPTIONS_HELP, describeParams, resolveOtpParams } from '../otp-params.js'
import { SECRET_FORMAT_OPTION, SECRET_HELP, describeSecret, readSecret } from '../secret-input.js'

const OPTIONS = { ...OTP_OPTIONS, ...SECRET_FORMAT_OPTION, hotp: { type: 'string' }, window: { type: 'string' } } as const

export const verifyCommand: Command = {
  name: 'verify',
  help: `Usage: otp verify SECRET|URI CODE [--hotp COUNTER | --time T] [--window N] [options]

Checks CODE: TOTP (RFC 6238) at the current time or --time, trying --window steps either way
(closest first), or HOTP (RFC 4226) from --hotp COUNTER, trying --window counters ahead.
When the code does not verify, says which secret format and parameters were assumed, and
whether another secret format, algorithm, or a clock or counter drift would explain it.

${SECRET_HELP}

Options:
  --hotp COUNTER     verify HOTP from this counter instead of TOTP
  --window N         TOTP: steps either way (default 1); HOTP: counters ahead (default 0); at most ${MAX_WINDOW}
${OTP_OPTIONS_HELP}
  --secret-format F  base32, hex or text: how SECRET is written
  -h, --help         show this help

CODE may be typed as apps show it, in groups: '996 554' and '996-554' are read as 996554.

Output: "valid" and where the code matched, or "invalid" (and why, on stderr).

Examples:
  otp verify JBSWY3DPEHPK3PXP 996554         valid now, give or take 30 s?
  otp verify JBSWY3DPEHPK3PXP 996554 --time 1733400000 --window 2
  otp verify JBSWY3DPEHPK3PXP 123456 --hotp 0 --window 10    HOTP: counters 0 to 10

OCRA (RFC 6287): otp verify --ocra SUITE SECRET CODE --question Q [--counter C] [--pin P]
  [--time T] [--counter-window N] [--time-window N] (see otp ocra --help for the inputs).
Exit status: 0 valid, 1 invalid, 2 on a usage or input error (such as a CODE of the wrong length).`,

  async run(argv) {
    if (argv.some((arg) => arg === '--ocra' || arg.startsWith('--ocra='))) return (await import('./ocra.js')).verifyOcraCommand(argv)
    const { values, positionals } = parseCommandLine(argv, OPTIONS)
    if (positionals.length !== 2) throw new UsageError(`expected SECRET (or URI) and CODE, got ${positionals.length} arguments`)
    const secret = readSecret(positionals[0]!, values['secret-format'])
    const params = resolveOtpParams(values, secret, { text: values.hotp, option: '--hotp' })
    const code = typedCode(positionals[1]!)
    checkCodeText(code, params.digits)
    const window = values.window !== undefined ? parseInteger(values.window, '--window', 0, MAX_WINDOW) : params.type === 'hotp' ? 0 : 1

    const delta = verifyWith(secret.key, code, params, window)
    if (delta !== null) {
      if (params.type === 'hotp') {
        const counter = BigInt(params.counter) + BigInt(delta)
        process.stdout.write(`valid: counter ${counter} (delta ${delta}); the next counter is ${counter + 1n}\n`)
      } else {
        process.stdout.write(`valid: time step ${timeStep(params) + delta} (delta ${signed(delta)})\n`)
      }
      return EXIT_OK
    }
    const span = params.type === 'hotp' ? `window ${window} ahead` : `window ±${window}`
    process.stdout.write('invalid\n')
    process.stderr.write(
      `otp verify: the code does not verify (secret read as ${describeSecret(secret)}; ${describeParams(params)}; ${span})\n`,
    )
    for (const hint of explainMismatch(secret, code, params, window)) process.stderr.write(`hint: ${hint}\n`)
    return EXIT_INVALID
  },
}

function signed(delta: number): string {
  return delta > 0 ? `+${delta}` : String(delta)
}

/**
 * `otp resync`: finds the counter of an HOTP token that drifted ahead (RFC 4226 section 7.4).
 */
import { ALGORITHMS } from '../../core/kernel.js'
import { DEFAULT_LOOK_AHEAD } from '../../core/otp.js'
import { MAX_LOOK_AHEAD, MAX_RESYNC_CODES } from '../../core/validate.js'
import { parseChoice, parseCommandLine, parseCounter, parseInteger } from '../args.js'
import type { Command } from '../command.js'
import { checkCodeText, library, typedCode } from '../compute.js'
import { EXIT_INVALID, EXIT_OK, UsageError } from '../exit.js'
import { SECRET_FORMAT_OPTION, SECRET_HELP, describeSecret, readSecret } from '../secret-input.js'

const OPTIONS = {
  ...SECRET_FORMAT_OPTION,
  from: { type: 'string' },
  'look-ahead': { type: 'string' },
  digits: { type: 'string' },
  algorithm: { type: 'string' },
} as const

export const resyncCommand: Command = {
  name: 'resync',
  help: `Usage: otp resync SECRET|URI CODE [CODE...] --from N [--look-ahead M] [options]

Searches the counters from N to N + M - 1 for the one where the token produced CODE, and
the codes after it in order (RFC 4226 section 7.4), and prints the counter the NEXT code will
use. A 6-digit code matches some counter by chance about once per million: give two or three
consecutive codes for a long search.

${SECRET_HELP}

Options:
  --from N           the first counter to try (default: the counter of an hotp URI)
  --look-ahead M     how many counters to try, 1 to ${MAX_LOOK_AHEAD} (default ${DEFAULT_LOOK_AHEAD})
  --digits N         code length, 6 to 10 (default 6)
  --algorithm A      SHA1, SHA256 or SHA512 (default SHA1)
  --secret-format F  base32, hex or text: how SECRET is written
  -h, --help         show this help

An HOTP token counts a code each time its button is pressed; a service counts only the codes it
receives, so the two drift apart. This finds where the token is.

Output: the next counter, alone on a line.

Example:
  otp resync JBSWY3DPEHPK3PXP 123456 654321 --from 100 --look-ahead 100000
Exit status: 0 found, 1 not found, 2 on a usage or input error.`,

  async run(argv) {
    const { values, positionals } = parseCommandLine(argv, OPTIONS)
    if (positionals.length < 2) throw new UsageError('expected SECRET (or URI) and at least one CODE')
    const codes = positionals.slice(1).map(typedCode)
    if (codes.length > MAX_RESYNC_CODES) throw new UsageError(`expected at most ${MAX_RESYNC_CODES} codes, got ${codes.length}`)
    const secret = readSecret(positionals[0]!, values['secret-format'])
    const uri = secret.uri
    if (uri?.type === 'totp') throw new UsageError('resync applies to HOTP; the URI is a totp one')
    const digits = values.digits !== undefined ? parseInteger(values.digits, '--digits', 6, 10) : (uri?.digits ?? 6)
    const algorithm = values.algorithm !== undefined ? parseChoice(values.algorithm, '--algorithm', ALGORITHMS) : (uri?.algorithm ?? 'SHA1')
    const from = values.from !== undefined ? parseCounter(values.from, '--from') : uri?.counter
    if (from === undefined) throw new UsageError('--from is required: the first counter to try')
    const lookAhead =
      values['look-ahead'] !== undefined ? parseInteger(values['look-ahead'], '--look-ahead', 1, MAX_LOOK_AHEAD) : DEFAULT_LOOK_AHEAD
    codes.forEach((code, i) => checkCodeText(code, digits, `CODE ${i + 1}`))

    const next = library().resyncHotp(secret.key, codes, from, { lookAhead, digits, algorithm })
    if (next !== null) {
      process.stdout.write(`${next}\n`)
      return EXIT_OK
    }
    const last = BigInt(from) + BigInt(lookAhead) - 1n
    process.stderr.write(
      `otp resync: no counter from ${from} to ${last} produces ${codes.length === 1 ? 'this code' : `these ${codes.length} codes in a row`}` +
        ` (secret read as ${describeSecret(secret)}; ${algorithm}, ${digits} digits)\n`,
    )
    return EXIT_INVALID
  },
}

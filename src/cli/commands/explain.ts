/**
 * `otp explain`: the RFC 4226 steps of one code, each intermediate value shown.
 */
import { parseCommandLine } from '../args.js'
import type { Command } from '../command.js'
import { codeFor, timeStep } from '../compute.js'
import { EXIT_OK, UsageError } from '../exit.js'
import { hotpSteps } from '../explain-steps.js'
import { OTP_OPTIONS, OTP_OPTIONS_HELP, resolveOtpParams } from '../otp-params.js'
import { SECRET_FORMAT_OPTION, SECRET_HELP, describeSecret, readSecret } from '../secret-input.js'

const OPTIONS = { ...OTP_OPTIONS, ...SECRET_FORMAT_OPTION, counter: { type: 'string' }, 'show-key': { type: 'boolean' } } as const

export const explainCommand: Command = {
  name: 'explain',
  help: `Usage: otp explain SECRET|URI (--counter N | --time T) [options]

Shows how one code is computed, as RFC 4226 section 5.3 describes it: the counter as 8
big-endian bytes, the HMAC in hex, the offset nibble, the four bytes it selects, the 31-bit
value, the modulo and the code. For TOTP (--time, or neither option: now) the time step of
RFC 6238 section 4 comes first. The result is checked against the library's hotp() or totp().

${SECRET_HELP}

Options:
  --counter N        HOTP counter C (0 to 2^64 - 1)
${OTP_OPTIONS_HELP}
  --secret-format F  base32, hex or text: how SECRET is written
  --show-key         also print the key bytes K in hex (they are the secret)
  -h, --help         show this help

Example:
  otp explain text:12345678901234567890 --counter 1    RFC 4226 appendix D, counter 1: 287082

OCRA (RFC 6287): otp explain --ocra SUITE SECRET --question Q [...] shows the hashed message
field by field (suite, C, Q, P, S, T) and the response (see otp ocra --help for the inputs).

Exit status: 0 on success, 2 on a usage or input error.`,

  async run(argv) {
    if (argv.some((arg) => arg === '--ocra' || arg.startsWith('--ocra='))) return (await import('./ocra.js')).explainOcraCommand(argv)
    const { values, positionals } = parseCommandLine(argv, OPTIONS)
    if (positionals.length !== 1) throw new UsageError(`expected SECRET or URI, got ${positionals.length} arguments`)
    const secret = readSecret(positionals[0]!, values['secret-format'])
    const params = resolveOtpParams(values, secret, { text: values.counter, option: '--counter' })
    const { digits, algorithm } = params
    const lines: string[] = []

    let counter: number | bigint
    if (params.type === 'hotp') {
      counter = params.counter
      lines.push(`HOTP (RFC 4226 section 5.3), HMAC-${algorithm}, ${digits} digits`)
    } else {
      counter = timeStep(params)
      lines.push(
        `TOTP (RFC 6238 section 4), HMAC-${algorithm}, ${digits} digits`,
        `time step T     floor((${params.time} - ${params.t0}) / ${params.period}) = ${counter}, the HOTP counter C`,
      )
    }
    const steps = hotpSteps(secret.key, counter, digits, algorithm)
    const last = steps.hmac.length - 1

    lines.push(`key K           ${describeSecret(secret)}`)
    if (values['show-key']) lines.push(...hexRows(secret.key, '  '))
    lines.push(
      `counter C       ${steps.counter} = 0x${steps.counter.toString(16).padStart(16, '0')}`,
      `  8 bytes, big-endian (section 5.2): ${hex(steps.counterBytes)}`,
      `step 1          HS = HMAC-${algorithm}(K, C), ${steps.hmac.length} bytes:`,
      ...hexRows(steps.hmac, '  '),
      `step 2          dynamic truncation`,
      `  offset        low 4 bits of the last byte HS[${last}] = 0x${byte(steps.hmac[last]!)} -> 0x${steps.offset.toString(16)} = ${steps.offset}`,
      `  4 bytes       HS[${steps.offset}..${steps.offset + 3}] = ${hex(steps.taken)} = 0x${word(steps.word)}`,
      `  31 bits       0x${word(steps.word)} & 0x7fffffff = 0x${word(steps.value)} = ${steps.value}`,
      `step 3          ${steps.value} mod 10^${digits} = ${steps.remainder}`,
      `code            ${steps.code}`,
    )
    const library = codeFor(secret.key, params)
    const name = params.type === 'hotp' ? 'hotp()' : 'totp()'
    if (library !== steps.code) {
      // Two HOTP computations disagreeing is a defect, not an input error: say so loudly.
      throw new Error(`the library's ${name} gives ${library}, not ${steps.code}`)
    }
    lines.push(`check           the library's ${name} gives ${library} too`)
    process.stdout.write(`${lines.join('\n')}\n`)
    return EXIT_OK
  },
}

function byte(value: number): string {
  return value.toString(16).padStart(2, '0')
}

function word(value: number): string {
  return value.toString(16).padStart(8, '0')
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, byte).join(' ')
}

/** Bytes in rows of 16, each led by the index of its first byte, so that an offset is easy to find. */
function hexRows(bytes: Uint8Array, indent: string): string[] {
  const rows: string[] = []
  for (let start = 0; start < bytes.length; start += 16) {
    rows.push(`${indent}[${String(start).padStart(2)}] ${hex(bytes.subarray(start, start + 16))}`)
  }
  return rows
}

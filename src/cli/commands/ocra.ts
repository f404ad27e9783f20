/**
 * `otp ocra`: an OCRA response (RFC 6287) to a challenge; also behind `otp verify --ocra SUITE` and
 * `otp explain --ocra SUITE`, which hand their arguments here. OCRA's inputs (question, counter,
 * PIN, session, time) come from options, each checked by the library with its own error.
 */
import { ocraApi } from '../../core/ocra/ocra.js'
import { layOcraMessage, type VerifyOcraInput } from '../../core/ocra/message.js'
import { parseOcraSuite, type OcraSuite } from '../../core/ocra/suite.js'
import { MAX_WINDOW } from '../../core/validate.js'
import { defaultKernel } from '../../kernels/select.js'
import { parseCommandLine, parseCounter, parseInteger, parseTime } from '../args.js'
import type { Command } from '../command.js'
import { EXIT_INVALID, EXIT_OK, UsageError } from '../exit.js'
import { SECRET_FORMAT_OPTION, SECRET_HELP, readSecret } from '../secret-input.js'

const INPUT_OPTIONS = {
  question: { type: 'string' },
  counter: { type: 'string' },
  pin: { type: 'string' },
  'pin-hash': { type: 'string' },
  session: { type: 'string' },
  time: { type: 'string' },
  timestamp: { type: 'string' },
  ...SECRET_FORMAT_OPTION,
} as const

const INPUT_HELP = `  --question Q       the challenge: digits (QN), text (QA) or hex (QH), as the suite says
  --counter C        the counter, for suites with C (0 to 2^64 - 1)
  --pin P            the PIN, for suites with PSHA1/PSHA256/PSHA512 (hashed as the suite says)
  --pin-hash H       the PIN's hash in hex, instead of --pin
  --session HEX      session information, for suites with Snnn (exactly nnn bytes, in hex)
  --time T           for suites with T: unix seconds or an ISO 8601 date (default: now)
  --timestamp N      for suites with T: the time step count itself, instead of --time
  --secret-format F  base32, hex or text: how SECRET is written`

type InputValues = { [K in keyof typeof INPUT_OPTIONS]?: string }

/** The library's input from the options; the library checks each against the suite. */
function inputOf(values: InputValues): VerifyOcraInput {
  if (values.question === undefined) throw new UsageError('--question is required: the challenge to answer')
  return {
    question: values.question,
    ...(values.counter !== undefined && { counter: parseCounter(values.counter, '--counter') }),
    ...(values.pin !== undefined && { password: values.pin }),
    ...(values['pin-hash'] !== undefined && { passwordHash: values['pin-hash'] }),
    ...(values.session !== undefined && { session: values.session }),
    ...(values.time !== undefined && { time: parseTime(values.time, '--time') }),
    ...(values.timestamp !== undefined && { timestamp: parseCounter(values.timestamp, '--timestamp') }),
  }
}

const api = () => ocraApi(defaultKernel())

export const ocraCommand: Command = {
  name: 'ocra',
  help: `Usage: otp ocra SUITE SECRET|URI --question Q [--counter C] [--pin P] [--time T] [options]

Prints the OCRA response (RFC 6287) of SUITE to the challenge Q: e.g. the suite
OCRA-1:HOTP-SHA1-6:QN08 answers an 8-digit question with 6 digits. A suite with t = 0
(HOTP-SHA1-0) prints the whole HMAC in hex. 'otp verify --ocra SUITE' checks a response,
'otp explain --ocra SUITE' shows the hashed message field by field.

${SECRET_HELP}

Options:
${INPUT_HELP}
  -h, --help         show this help

Exit status: 0 on success, 2 on a usage or input error.`,

  async run(argv) {
    const { values, positionals } = parseCommandLine(argv, INPUT_OPTIONS)
    if (positionals.length !== 2) throw new UsageError(`expected SUITE and SECRET, got ${positionals.length} arguments`)
    // The suite first: a malformed suite is the clearer error than a secret read in the wrong format.
    parseOcraSuite(positionals[0]!)
    const secret = readSecret(positionals[1]!, values['secret-format'])
    process.stdout.write(`${api().ocra(positionals[0]!, secret.key, inputOf(values))}\n`)
    return EXIT_OK
  },
}

/** `otp verify --ocra SUITE SECRET CODE --question Q ...`. */
export async function verifyOcraCommand(argv: string[]): Promise<number> {
  const options = {
    ...INPUT_OPTIONS,
    ocra: { type: 'string' },
    'counter-window': { type: 'string' },
    'time-window': { type: 'string' },
  } as const
  const { values, positionals } = parseCommandLine(argv, options)
  if (positionals.length !== 2) throw new UsageError(`expected SECRET and CODE after --ocra SUITE, got ${positionals.length} arguments`)
  const suite = values.ocra!
  const secret = readSecret(positionals[0]!, values['secret-format'])
  const input: VerifyOcraInput = {
    ...inputOf(values),
    ...(values['counter-window'] !== undefined && {
      counterWindow: parseInteger(values['counter-window'], '--counter-window', 0, MAX_WINDOW),
    }),
    ...(values['time-window'] !== undefined && { timeWindow: parseInteger(values['time-window'], '--time-window', 0, MAX_WINDOW) }),
  }
  const delta = api().verifyOcra(suite, secret.key, positionals[1]!, input)
  if (delta === null) {
    process.stdout.write('invalid\n')
    return EXIT_INVALID
  }
  const parsed = parseOcraSuite(suite)
  const where = parsed.counter ? `: counter delta ${delta}` : parsed.time ? `: time step delta ${delta}` : ''
  process.stdout.write(`valid${where}\n`)
  return EXIT_OK
}

/** The verify help's lines for --ocra. */
export const VERIFY_OCRA_HELP = `OCRA (RFC 6287): otp verify --ocra SUITE SECRET CODE --question Q [--counter C] [--pin P]
  [--time T] [--counter-window N] [--time-window N]: counters ahead (default 0) and time steps
  either way (default 1) are tried, closest first.`

/** One field of the message, for explain. */
function field(name: string, bytes: Uint8Array, note = ''): string {
  const hex = Buffer.from(bytes).toString('hex')
  const shown = hex.length > 64 ? `${hex.slice(0, 64)}... (${bytes.length} bytes)` : `${hex} (${bytes.length} bytes)`
  return `${name.padEnd(16)}${shown}${note ? `  ${note}` : ''}`
}

/** `otp explain --ocra SUITE SECRET --question Q ...`: the message of RFC 6287 section 5.1, field by field. */
export async function explainOcraCommand(argv: string[]): Promise<number> {
  const options = { ...INPUT_OPTIONS, ocra: { type: 'string' } } as const
  const { values, positionals } = parseCommandLine(argv, options)
  if (positionals.length !== 1) throw new UsageError(`expected SECRET after --ocra SUITE, got ${positionals.length} arguments`)
  const suite: OcraSuite = parseOcraSuite(values.ocra!)
  const secret = readSecret(positionals[0]!, values['secret-format'])
  const input = inputOf(values)
  const { bytes } = layOcraMessage(suite, input)
  const { layout } = suite
  const at = (start: number, length: number) => bytes.subarray(start, start + length)
  const lines = [
    `OCRA (RFC 6287 section 5), HMAC-${suite.algorithm}, ${suite.digits === 0 ? 'the whole HMAC' : `${suite.digits} digits`}`,
    `message = suite | 00 | ${[suite.counter && 'C', 'Q', suite.password && 'P', suite.session && 'S', suite.time && 'T'].filter(Boolean).join(' | ')}  (${bytes.length} bytes)`,
    field('suite', at(0, suite.suite.length), JSON.stringify(suite.suite)),
    field('separator', at(suite.suite.length, 1)),
  ]
  if (suite.counter) lines.push(field('C counter', at(layout.counterAt, 8), `${input.counter}, 8 bytes big-endian`))
  const q = suite.question
  const how = q.format === 'N' ? 'its value in hex' : q.format === 'H' ? 'as given' : 'its ASCII bytes'
  lines.push(
    field(
      'Q question',
      at(layout.questionAt, 128),
      `${JSON.stringify(input.question)} (Q${q.format}${String(q.length).padStart(2, '0')}): ${how}, padded to 128 bytes`,
    ),
  )
  if (suite.password)
    lines.push(
      field(
        `P PIN ${suite.password}`,
        at(layout.passwordAt, bytes.length - layout.passwordAt).subarray(0, { SHA1: 20, SHA256: 32, SHA512: 64 }[suite.password]),
      ),
    )
  if (suite.session) lines.push(field('S session', at(layout.sessionAt, suite.session)))
  if (suite.time) lines.push(field('T time step', at(layout.timeAt, 8), `${suite.time.count}${suite.time.unit} steps, 8 bytes big-endian`))
  const code = api().ocra(suite.suite, secret.key, input)
  lines.push(
    `response        ${code}  (${suite.digits === 0 ? 'HMAC in hex' : 'dynamic truncation of RFC 4226 section 5.3, mod 10^' + suite.digits})`,
  )
  process.stdout.write(`${lines.join('\n')}\n`)
  bytes.fill(0)
  return EXIT_OK
}

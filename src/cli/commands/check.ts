/**
 * `otp check`: verifies a code of an enrolled token through the stateful verifier (createVerifier
 * over the SQLite token database), which refuses replays, moves counters forward only, learns drift
 * and locks a token after repeated failures. With --resync, finds the token's position again from
 * consecutive codes.
 */
import { MAX_RESYNC_CODES } from '../../core/validate.js'
import { DEFAULT_VERIFIER_POLICY, type ResyncResult, type VerifyResult } from '../../verifier/index.js'
import { parseCommandLine } from '../args.js'
import type { Command } from '../command.js'
import { checkCodeText, typedCode } from '../compute.js'
import { EXIT_INVALID, EXIT_OK, UsageError } from '../exit.js'
import { existingDatabase } from '../db-option.js'
import { checkKeyFileOption } from '../key-file-option.js'
import { DB_HELP, DB_OPTION, KEY_FILE_HELP, KEY_FILE_OPTION, dbPath, openVerifier } from '../token-db.js'

const OPTIONS = { resync: { type: 'boolean' }, ...DB_OPTION, ...KEY_FILE_OPTION } as const

const POLICY = DEFAULT_VERIFIER_POLICY

export const checkCommand: Command = {
  name: 'check',
  help: `Usage: otp check TOKEN_ID CODE [--db FILE] [--key-file FILE]
       otp check TOKEN_ID --resync CODE CODE... [--db FILE] [--key-file FILE]

Checks CODE for the token TOKEN_ID of the token database (see 'otp enroll') and records the
outcome. A code is accepted once: using it again, or an older one, is a replay. TOTP tries
${POLICY.window} step either side of now plus the drift the token has shown (up to ${POLICY.maxDrift} steps); HOTP tries
${POLICY.lookAhead} counters ahead of the token's, which moves past each accepted code. ${POLICY.maxFailures} failures in a row lock
the token for ${POLICY.lockSeconds} s, doubling with each further failure up to ${POLICY.maxLockSeconds / 60} min.

--resync takes ${POLICY.resyncCodes} to ${MAX_RESYNC_CODES} consecutive codes and finds where they are: for HOTP up to
${POLICY.resyncLookAhead} counters ahead, for TOTP within ${POLICY.maxDrift} steps of now. It unlocks the token.

Options:
  --resync           find the token's position from consecutive codes
${DB_HELP}
${KEY_FILE_HELP}
  -h, --help         show this help

CODE may be typed as apps show it, in groups: '996 554' and '996-554' are read as 996554.

Output: "valid" and where the code matched; "invalid", "replayed" or "locked until TIME".

Examples:
  otp check alice 996554                      valid once; the same code again is a replay
  otp check alice --resync 996554 123456      two codes in a row, after a lockout or drift
Exit status: 0 valid, 1 invalid, replayed or locked, 2 on a usage or input error (such as an
unknown TOKEN_ID, or a store key that does not open the token's secret: DECRYPTION_FAILED).`,

  async run(argv) {
    const { values, positionals } = parseCommandLine(argv, OPTIONS)
    const [id, ...typed] = positionals
    const codes = typed.map(typedCode)
    if (id === undefined || codes.length === 0) throw new UsageError(`missing ${id === undefined ? 'TOKEN_ID and ' : ''}CODE`)
    if (/^otpauth(-migration)?:/i.test(id))
      throw new UsageError('TOKEN_ID is an otpauth URI (not shown): give the id the token was enrolled under')
    if (values.resync) {
      if (codes.length < POLICY.resyncCodes || codes.length > MAX_RESYNC_CODES) {
        throw new UsageError(`--resync expects ${POLICY.resyncCodes} to ${MAX_RESYNC_CODES} consecutive codes, got ${codes.length}`)
      }
    } else if (codes.length > 1) {
      throw new UsageError(`expected TOKEN_ID and one CODE, got ${positionals.length} arguments (for several codes, --resync)`)
    }

    const open = await openVerifier({
      db: existingDatabase(dbPath(values.db)),
      keyFile: checkKeyFileOption(values['key-file']),
      create: false,
    })
    try {
      const { verifier } = open
      // A code that cannot be one is an input error, as in 'otp verify', and costs the token no failure.
      const { digits } = await verifier.inspect(id)
      codes.forEach((code, i) => checkCodeText(code, digits, codes.length > 1 ? `CODE ${i + 1}` : 'CODE'))
      if (values.resync) return report(id, await verifier.resync(id, codes), 'codes do')
      return report(id, await verifier.verify(id, codes[0]!), 'code does')
    } finally {
      await open.close()
    }
  },
}

/** Writes the outcome: one line on stdout for scripts, the why on stderr. */
function report(id: string, result: VerifyResult | ResyncResult, what: 'code does' | 'codes do'): number {
  const name = JSON.stringify(id)
  if (result.ok) {
    if ('delta' in result) {
      const where = result.type === 'totp' ? `time step ${result.step}` : `counter ${result.counter}`
      process.stdout.write(`valid: ${where} (delta ${signed(result.delta)})\n`)
    } else if (result.type === 'hotp') {
      process.stdout.write(`resynced: the next counter is ${result.counter}\n`)
    } else {
      process.stdout.write(`resynced: time step ${result.step} (drift ${signed(result.drift)})\n`)
    }
    return EXIT_OK
  }
  if (result.reason === 'REPLAYED') {
    process.stdout.write('replayed\n')
    process.stderr.write(`otp check: the code is right, but token ${name} has already accepted it or a later one\n`)
  } else if (result.reason === 'LOCKED') {
    process.stdout.write(`locked until ${iso(result.until)}\n`)
    process.stderr.write(`otp check: token ${name} is locked after repeated failures; the code was not checked\n`)
  } else {
    process.stdout.write('invalid\n')
    const failures = `${result.failures} ${result.failures === 1 ? 'failure' : 'failures'} in a row`
    const lock = result.until === undefined ? `it locks at ${POLICY.maxFailures}` : `token locked until ${iso(result.until)}`
    process.stderr.write(`otp check: the ${what} not verify for token ${name} (${failures}; ${lock})\n`)
  }
  return EXIT_INVALID
}

function iso(millis: number): string {
  return new Date(millis).toISOString()
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value)
}

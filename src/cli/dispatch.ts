/**
 * The `otp` dispatcher: finds the subcommand, answers --help and --version, and turns errors into
 * messages and exit codes.
 */
import { readFileSync } from 'node:fs'
import { OtpError } from '../index.js'
import type { Command } from './command.js'
import { batchCommand } from './commands/batch.js'
import { benchCommand } from './commands/bench.js'
import { checkCommand } from './commands/check.js'
import { codeCommand } from './commands/code.js'
import { enrollCommand } from './commands/enroll.js'
import { explainCommand } from './commands/explain.js'
import { removeCommand } from './commands/remove.js'
import { resyncCommand } from './commands/resync.js'
import { secretCommand } from './commands/secret.js'
import { uriCommand } from './commands/uri.js'
import { verifyCommand } from './commands/verify.js'
import { EXIT_OK, EXIT_USAGE, UsageError } from './exit.js'

const COMMANDS: readonly Command[] = [
  secretCommand,
  uriCommand,
  codeCommand,
  verifyCommand,
  resyncCommand,
  explainCommand,
  enrollCommand,
  checkCommand,
  removeCommand,
  batchCommand,
  benchCommand,
]

function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length))
  const list = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')
  return `Usage: otp COMMAND [ARGUMENTS] [OPTIONS]

HOTP (RFC 4226) and TOTP (RFC 6238) codes, otpauth:// enrolment URIs and QR codes.

Commands:
${list}

Run 'otp COMMAND --help' for a command's arguments and options.
Exit status: 0 ok or valid, 1 a code that did not verify, 2 a usage or input error.`
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return manifest.version
}

/** True when --help or -h appears among the options (before any '--'). */
function wantsHelp(argv: string[]): boolean {
  const end = argv.indexOf('--')
  return (end < 0 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h')
}

/** Runs one command line and resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined) {
    process.stderr.write(`${overview()}\n`)
    return EXIT_USAGE
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS.find((command) => command.name === rest[0])
    if (rest[0] !== undefined && topic === undefined) return unknownCommand(rest[0])
    process.stdout.write(`${topic?.help ?? overview()}\n`)
    return EXIT_OK
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${version()}\n`)
    return EXIT_OK
  }
  const command = COMMANDS.find((candidate) => candidate.name === name)
  if (command === undefined) return unknownCommand(name)
  if (wantsHelp(rest)) {
    process.stdout.write(`${command.help}\n`)
    return EXIT_OK
  }
  try {
    return await command.run(rest)
  } catch (error) {
    return report(command.name, error)
  }
}

function unknownCommand(name: string): number {
  const shown = name.length > 24 ? `${name.slice(0, 24)}...` : name
  process.stderr.write(`otp: unknown command '${shown}'. Commands: ${COMMANDS.map((c) => c.name).join(', ')}.\nRun 'otp --help' for usage.\n`)
  return EXIT_USAGE
}

/** Prints an error for a person. Messages of UsageError and OtpError never contain a secret. */
function report(name: string, error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`otp ${name}: ${error.message}\nRun 'otp ${name} --help' for usage.\n`)
  } else if (error instanceof OtpError) {
    process.stderr.write(`otp ${name}: ${error.message} (${error.code})\n`)
  } else {
    const message = error instanceof Error ? error.message : String(error)
    process.stderr.write(`otp ${name}: unexpected error: ${message}\n`)
  }
  return EXIT_USAGE
}

/**
 * The `otp` dispatcher: finds the subcommand, answers --help and --version, and turns errors into
 * messages and exit codes.
 *
 * Each command's module is loaded only when that command runs (or its help is asked for), so that
 * `otp code` never loads the token database, the QR encoder, the worker pool or the benchmark. The
 * overview's one-line summaries live here for the same reason.
 */
import { readFileSync } from 'node:fs'
import { OtpError } from '../core/errors.js'
import { closest } from './args.js'
import type { Command } from './command.js'
import { EXIT_OK, EXIT_USAGE, UsageError } from './exit.js'
import { PROGRAM, forProgram } from './program.js'

interface Entry {
  readonly name: string
  readonly summary: string
  load(): Promise<Command>
}

interface Section {
  readonly title: string
  readonly commands: readonly Entry[]
}

const SECTIONS: readonly Section[] = [
  {
    title: 'One secret at a time (nothing is stored):',
    commands: [
      {
        name: 'secret',
        summary: 'print a new random secret, in base32',
        load: async () => (await import('./commands/secret.js')).secretCommand,
      },
      {
        name: 'uri',
        summary: 'print the otpauth:// URI (and QR code) that adds a secret to an authenticator app',
        load: async () => (await import('./commands/uri.js')).uriCommand,
      },
      {
        name: 'code',
        summary: 'print the code an app shows now (TOTP), or the code of an HOTP counter',
        load: async () => (await import('./commands/code.js')).codeCommand,
      },
      {
        name: 'verify',
        summary: 'check a code against a secret; exit 0 when valid, 1 when not, and say why',
        load: async () => (await import('./commands/verify.js')).verifyCommand,
      },
      {
        name: 'resync',
        summary: 'find the counter of an HOTP token from consecutive codes',
        load: async () => (await import('./commands/resync.js')).resyncCommand,
      },
      {
        name: 'explain',
        summary: 'show the RFC 4226 steps of one code, for checking another implementation',
        load: async () => (await import('./commands/explain.js')).explainCommand,
      },
      {
        name: 'ocra',
        summary: 'print the OCRA response (RFC 6287) of a suite to a challenge',
        load: async () => (await import('./commands/ocra.js')).ocraCommand,
      },
    ],
  },
  {
    title: 'A token database (a local SQLite file, secrets sealed under a store key):',
    commands: [
      {
        name: 'enroll',
        summary: 'store a token under an id (a new secret, or a given one)',
        load: async () => (await import('./commands/enroll.js')).enrollCommand,
      },
      {
        name: 'check',
        summary: 'check a code of a stored token, once: replays and repeated failures are refused',
        load: async () => (await import('./commands/check.js')).checkCommand,
      },
      { name: 'remove', summary: 'delete a stored token', load: async () => (await import('./commands/remove.js')).removeCommand },
      {
        name: 'import',
        summary: 'enrol every token of a PSKC file, transfer URIs, otpauth:// URIs or a seed CSV file',
        load: async () => (await import('./commands/import.js')).importCommand,
      },
      {
        name: 'export',
        summary: 'write stored tokens as encrypted PSKC, QR codes on this terminal, or (--plain) a private file',
        load: async () => (await import('./commands/export.js')).exportCommand,
      },
    ],
  },
  {
    title: 'A service (HTTP, for identity providers in any language):',
    commands: [
      {
        name: 'serve',
        summary: 'serve the verifier over HTTP: a JSON API, metrics, an OpenAPI document',
        load: async () => (await import('./commands/serve.js')).serveCommand,
      },
      {
        name: 'apikey',
        summary: 'make an API key for otp serve (printed once, its hash kept)',
        load: async () => (await import('./commands/apikey.js')).apikeyCommand,
      },
    ],
  },
  {
    title: 'In bulk:',
    commands: [
      {
        name: 'batch',
        summary: 'verify a file of records (NDJSON or CSV) on every core, one result line per record',
        load: async () => (await import('./commands/batch.js')).batchCommand,
      },
      {
        name: 'bench',
        summary: 'time otp-wasm against a node:crypto loop on this machine',
        load: async () => (await import('./commands/bench.js')).benchCommand,
      },
    ],
  },
]

const COMMANDS: readonly Entry[] = SECTIONS.flatMap((section) => section.commands)

function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length))
  const sections = SECTIONS.map(
    (section) => `${section.title}\n${section.commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}`,
  ).join('\n\n')
  return forProgram(`Usage: otp COMMAND [ARGUMENTS] [OPTIONS]

One-time passwords as authenticator apps show them: TOTP (RFC 6238), a code for each 30 seconds,
and HOTP (RFC 4226), a code for each counter value. Both come from a shared SECRET, which apps
show and take as base32 text (JBSWY3DPEHPK3PXP) or inside an otpauth:// URI (its QR code).

${sections}

Examples:
  otp secret                                     a new secret, e.g. JBSWY3DPEHPK3PXP
  otp uri --issuer ACME --account alice --qr     a secret and its QR code, to scan with an app
  otp code JBSWY3DPEHPK3PXP                      the code the app shows now
  otp verify JBSWY3DPEHPK3PXP '996 554'          exit 0 if it is valid now, 1 if not
  otp batch records.ndjson > results.ndjson      verify a file of records on every core

Run 'otp COMMAND --help' (or 'otp help COMMAND') for a command's arguments and options.
SECRET '-' reads the secret from standard input, which keeps it out of the shell's history.
Exit status: 0 ok or valid, 1 a code that did not verify, 2 a usage or input error.
The same program is installed as otp and as otp-wasm; 'npx otp-wasm' runs it ('npx otp' runs
another package).`)
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
    if (rest[0] === undefined) {
      process.stdout.write(`${overview()}\n`)
      return EXIT_OK
    }
    const topic = COMMANDS.find((command) => command.name === rest[0])
    if (topic === undefined) return unknownCommand(rest[0])
    process.stdout.write(`${forProgram((await topic.load()).help)}\n`)
    return EXIT_OK
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${version()}\n`)
    return EXIT_OK
  }
  const entry = COMMANDS.find((candidate) => candidate.name === name)
  if (entry === undefined) return unknownCommand(name)
  const command = await entry.load()
  if (wantsHelp(rest)) {
    process.stdout.write(`${forProgram(command.help)}\n`)
    return EXIT_OK
  }
  try {
    return await command.run(rest)
  } catch (error) {
    return report(command.name, error)
  }
}

/**
 * "unknown command 'verfy'; did you mean verify?". What was typed is echoed only when it looks like
 * a command word: a secret or a URI given without a command must not be.
 */
function unknownCommand(name: string): number {
  let message: string
  if (/^[a-z][a-z-]{0,15}$/.test(name)) {
    const guess = closest(
      name,
      COMMANDS.map((command) => command.name),
    )
    message = `unknown command '${name}'${guess === undefined ? '' : `; did you mean ${guess}?`}`
  } else if (/^otpauth(-migration)?:/i.test(name)) {
    message = `the first argument is an otpauth URI (not shown), not a command; to print its code: ${PROGRAM} code URI`
  } else {
    message = `unknown command (${name.length} characters, not shown, in case they are a secret); to print a secret's code: ${PROGRAM} code SECRET`
  }
  process.stderr.write(`${PROGRAM}: ${message}\nCommands: ${COMMANDS.map((c) => c.name).join(', ')}.\nRun '${PROGRAM} --help' for usage.\n`)
  return EXIT_USAGE
}

/** Prints an error for a person. Messages of UsageError and OtpError never contain a secret. */
function report(name: string, error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`${PROGRAM} ${name}: ${error.message}\nRun '${PROGRAM} ${name} --help' for usage.\n`)
  } else if (error instanceof OtpError) {
    process.stderr.write(`${PROGRAM} ${name}: ${error.message} (${error.code})\n`)
  } else {
    const message = error instanceof Error ? error.message : String(error)
    process.stderr.write(`${PROGRAM} ${name}: unexpected error: ${message}\n`)
  }
  return EXIT_USAGE
}

/**
 * `otp apikey create`: makes an API key for `otp serve`. The key is printed once; the key file keeps
 * only its SHA-256, its name and its scopes (mode 600), so the file can be read by the service
 * without giving anyone a key.
 */
import { expectPositionals, parseCommandLine } from '../args.js'
import type { Command } from '../command.js'
import { EXIT_OK, UsageError } from '../exit.js'
import { API_KEYS_ENV } from './serve.js'

const OPTIONS = {
  name: { type: 'string' },
  scopes: { type: 'string' },
  file: { type: 'string' },
} as const

export const apikeyCommand: Command = {
  name: 'apikey',
  help: `Usage: otp apikey create --name NAME --scopes verify,admin [--file FILE]

Makes a new API key for 'otp serve' and prints it once, on standard output: it is stored
nowhere, only its SHA-256 is added to the key file. Requests send it as
Authorization: Bearer KEY.

Options:
  --name NAME        a name for the key (letters, digits, . _ @ -), unique in the file; it shows
                     in the service's logs
  --scopes S         comma-separated: verify (POST /v1/verify, /v1/verify/batch) and/or admin
                     (the /v1/tokens routes: enrol, import, inspect, remove, unlock, resync)
  --file FILE        the key file (default: $${API_KEYS_ENV}); created with mode 600 if missing
  -h, --help         show this help

Exit status: 0 when the key was made, 2 on a usage error.`,

  async run(argv) {
    const { values, positionals } = parseCommandLine(argv, OPTIONS)
    expectPositionals(positionals, ['create'])
    if (positionals[0] !== 'create')
      throw new UsageError(
        `the only apikey action is create, got ${positionals[0]!.length <= 16 ? `'${positionals[0]}'` : 'something else'}`,
      )
    if (values.name === undefined) throw new UsageError('--name is required: a name for the key')
    if (values.scopes === undefined) throw new UsageError('--scopes is required: verify, admin, or verify,admin')
    const file = values.file ?? process.env[API_KEYS_ENV]
    if (file === undefined || file === '')
      throw new UsageError(`--file is required (or set $${API_KEYS_ENV}): the key file of otp serve --api-keys`)
    const { createApiKey } = await import('../../service/auth.js')
    const key = createApiKey(
      file,
      values.name,
      values.scopes.split(',').map((scope) => scope.trim()),
    )
    process.stdout.write(`${key}\n`)
    process.stderr.write(
      `otp apikey: added the key ${JSON.stringify(values.name)} (scopes ${values.scopes}) to ${file}; the key above is shown only now\n`,
    )
    return EXIT_OK
  },
}

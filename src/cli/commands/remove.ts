/**
 * `otp remove`: deletes a token from the local token database. It needs no store key: deleting a row
 * opens no secret, and a token whose key is lost can still be cleared away.
 */
import { OtpError } from '../../core/errors.js'
import { parseCommandLine } from '../args.js'
import type { Command } from '../command.js'
import { EXIT_OK, UsageError } from '../exit.js'
import { DB_HELP, DB_OPTION, dbPath, openStore } from '../token-db.js'
import { existingDatabase } from '../db-option.js'

export const removeCommand: Command = {
  name: 'remove',
  help: `Usage: otp remove TOKEN_ID [--db FILE]

Deletes the token TOKEN_ID, its sealed secret and its state, from the token database. It needs
no store key, so a token whose key is lost can still be removed.

Options:
${DB_HELP}
  -h, --help         show this help

Example:
  otp remove alice --db /var/lib/otp/tokens.db

Exit status: 0 removed, 2 on a usage or input error (such as an unknown TOKEN_ID).`,

  async run(argv) {
    const { values, positionals } = parseCommandLine(argv, DB_OPTION)
    if (positionals.length !== 1) throw new UsageError(`expected TOKEN_ID, got ${positionals.length} arguments`)
    const id = positionals[0]!
    const db = existingDatabase(dbPath(values.db))
    const store = await openStore(db, false)
    try {
      if (!(await store.delete(id))) throw new OtpError('UNKNOWN_TOKEN', `no token with id ${JSON.stringify(id)} is enrolled in ${db}`)
    } finally {
      await store.close()
    }
    process.stdout.write(`removed ${JSON.stringify(id)} from ${db}\n`)
    return EXIT_OK
  },
}

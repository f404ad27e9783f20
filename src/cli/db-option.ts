/**
 * The --db option of the commands that need a token database to exist already (otp check, otp
 * remove), checked before it is opened: a secret pasted where the file name goes must not reach a
 * message that quotes the file name.
 */
import { existsSync } from 'node:fs'
import { pathShown } from './args.js'
import { UsageError } from './exit.js'
import { DB_ENV } from './token-db.js'

/** The database's path, once it exists. */
export function existingDatabase(path: string): string {
  if (!existsSync(path)) {
    throw new UsageError(`no token database at ${pathShown(path)}: enrol a token first (otp enroll), or give --db or $${DB_ENV}`)
  }
  return path
}

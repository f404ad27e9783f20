/**
 * The --key-file option of `otp enroll` and `otp check`, checked before the store key is looked
 * for: its value names a file, and a store key pasted there instead must not reach a message that
 * quotes the file name.
 */
import { existsSync } from 'node:fs'
import { pathShown } from './args.js'
import { UsageError } from './exit.js'
import { KEY_ENV, parseKeyText } from './store-key.js'

/** The --key-file value, once it names a file that exists; undefined when the option is not given. */
export function checkKeyFileOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  if (value.trim() === '') throw new UsageError('--key-file needs the name of the file holding the store key')
  if (existsSync(value)) return value
  if (looksLikeKey(value)) {
    throw new UsageError(
      `--key-file expects the name of a file holding the store key, not the key itself (not shown); to give the key as text, set ${KEY_ENV}`,
    )
  }
  throw new UsageError(`--key-file: cannot read the key file ${pathShown(value)} (ENOENT: it does not exist)`)
}

function looksLikeKey(text: string): boolean {
  try {
    parseKeyText(text, '--key-file')
    return true
  } catch {
    return false
  }
}

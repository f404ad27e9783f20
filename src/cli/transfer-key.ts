/**
 * The password or key that protects a PSKC file in `otp import` and `otp export`: read from a file
 * (--password-file, --pskc-key-file), never from the command line, where `ps` and the shell's history
 * would show it. --key-file stays what it is in every token-database command: the store key.
 */
import { readFileSync } from 'node:fs'
import { pathShown } from './args.js'
import { UsageError } from './exit.js'
import { parseKeyText } from './store-key.js'

export const TRANSFER_KEY_OPTIONS = {
  'password-file': { type: 'string' },
  'pskc-key-file': { type: 'string' },
} as const

export const TRANSFER_KEY_HELP = `  --password-file F  the PSKC file's password: the first line of F (PBKDF2, RFC 6030 section 6.2)
  --pskc-key-file F  the PSKC file's pre-shared AES key: hex or base64 of 16, 24 or 32 bytes in F`

/** The password or key the options name, read and checked; neither when neither option is given. */
export function readTransferKey(values: { 'password-file'?: string; 'pskc-key-file'?: string }): { password?: string; key?: Uint8Array } {
  const passwordFile = values['password-file']
  const keyFile = values['pskc-key-file']
  if (passwordFile !== undefined && keyFile !== undefined) throw new UsageError('give --password-file or --pskc-key-file, not both')
  if (passwordFile !== undefined) {
    const password = readText(passwordFile, '--password-file').split(/\r?\n/, 1)[0]!
    if (password === '') throw new UsageError(`--password-file: the first line of ${pathShown(passwordFile)} is empty`)
    return { password }
  }
  if (keyFile !== undefined) return { key: parseKeyText(readText(keyFile, '--pskc-key-file'), '--pskc-key-file') }
  return {}
}

function readText(file: string, option: string): string {
  if (file === '') throw new UsageError(`${option} needs a file name`)
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw new UsageError(`${option}: cannot read ${pathShown(file)} (${(error as NodeJS.ErrnoException).code ?? 'failed'})`)
  }
}

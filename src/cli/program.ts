/**
 * The name the program was run as: `otp`, or `otp-wasm` (the same program under a second name, since
 * the registry's `otp` is another package and `npx otp` runs that). Messages and help say the name
 * that was typed, so that what they suggest can be typed back.
 */
import { basename } from 'node:path'

/** 'otp-wasm' when run under that name, else 'otp'. */
export const PROGRAM = /^otp-wasm(\.c?js|\.cmd)?$/i.test(basename(process.argv[1] ?? '')) ? 'otp-wasm' : 'otp'

/** A help text written for `otp`, with the commands it shows spelt with the name that was typed. */
export function forProgram(text: string): string {
  return PROGRAM === 'otp' ? text : text.replace(/(^|[\s'`(])otp(?= (?:[a-z]|COMMAND|-))/gm, `$1${PROGRAM}`)
}

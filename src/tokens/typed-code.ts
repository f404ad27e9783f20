/**
 * Codes as people type them, for the token objects: the digits, with one ASCII space or hyphen
 * allowed between two digit groups ('996 554', '9965-54', '12 34 56'), as authenticator apps show
 * them. The module functions stay strict (src/core/validate.ts parseCode): they serve programs,
 * where a separator is more likely a bug than a habit.
 */
import { parseCode } from '../core/validate.js'

const SPACE = 0x20
const HYPHEN = 0x2d

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}

/**
 * A typed code as an integer, or -1 when it can never match: not `digits` ASCII digits with at most
 * single separators between them (none leading, trailing or doubled), or above 31 bits.
 * @throws OtpError('INVALID_CODE') for a code that is not a string (a number loses its leading zeros).
 */
export function parseTypedCode(code: unknown, digits: number): number {
  // Not a string (INVALID_CODE), or no room for a separator: the module functions' strict parse.
  if (typeof code !== 'string' || code.length === digits) return parseCode(code, digits)
  const length = code.length
  // The longest typed form puts a separator between every two digits.
  if (length < digits || length > 2 * digits - 1) return -1
  let value = 0
  let n = 0
  for (let i = 0; i < length; i++) {
    const c = code.charCodeAt(i)
    if (isDigit(c)) {
      value = value * 10 + (c - 0x30)
      n++
    } else if (
      (c === SPACE || c === HYPHEN) &&
      i > 0 &&
      i + 1 < length &&
      isDigit(code.charCodeAt(i - 1)) &&
      isDigit(code.charCodeAt(i + 1))
    ) {
      continue
    } else {
      return -1
    }
  }
  return n === digits && value <= 0x7fff_ffff ? value : -1
}

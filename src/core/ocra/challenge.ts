/**
 * Random OCRA challenges (RFC 6287 section 7): a question of the suite's format and full length,
 * from the platform's CSPRNG (crypto.getRandomValues), each character uniform over its alphabet.
 */
import { parseOcraSuite, type QuestionFormat } from './suite.js'

const ALPHABETS: Record<QuestionFormat, string> = {
  N: '0123456789',
  A: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  H: '0123456789ABCDEF',
}

/**
 * A random challenge for `suite`: xx characters of its QFxx format (decimal digits for QN, letters
 * and digits for QA, upper-case hex for QH), to send as `question`.
 * @example ocraChallenge('OCRA-1:HOTP-SHA1-6:QN08') // e.g. '40271933'
 * @throws OtpError('INVALID_OCRA_SUITE') for a malformed suite.
 */
export function ocraChallenge(suite: string): string {
  const { format, length } = parseOcraSuite(suite).question
  const alphabet = ALPHABETS[format]
  // Bytes at or above the largest multiple of the alphabet's size are drawn again, so that no character is favoured.
  const limit = 256 - (256 % alphabet.length)
  const bytes = new Uint8Array(2 * length)
  let out = ''
  while (out.length < length) {
    globalThis.crypto.getRandomValues(bytes)
    for (let i = 0; i < bytes.length && out.length < length; i++) {
      if (bytes[i]! < limit) out += alphabet[bytes[i]! % alphabet.length]
    }
  }
  return out
}

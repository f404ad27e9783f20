/**
 * Every contender proves it is correct before it races: RFC 4226 appendix D for HOTP-SHA-1, and, for
 * SHA-256 and SHA-512, agreement with the node:crypto baseline, which itself is first proven on the
 * RFC 6238 appendix B vectors. A contender that fails is excluded, loudly.
 */
import type { Algorithm, Contender } from './contender.js'
import { PERIOD } from './contender.js'
import { nodeHotp } from './peers/node-crypto.js'
import { ALGORITHMS, rfcSeed } from './fixtures.js'

/** RFC 4226 appendix D: HOTP-SHA-1 of the ASCII secret "12345678901234567890" for counters 0..9. */
export const RFC4226_CODES = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'] as const

/** RFC 6238 appendix B: unix time and 8-digit TOTP per algorithm, with the seed of `rfcSeed`. */
export const RFC6238_VECTORS: ReadonlyArray<{ time: number; codes: Record<Algorithm, string> }> = [
  { time: 59, codes: { SHA1: '94287082', SHA256: '46119246', SHA512: '90693936' } },
  { time: 1111111109, codes: { SHA1: '07081804', SHA256: '68084774', SHA512: '25091201' } },
  { time: 1111111111, codes: { SHA1: '14050471', SHA256: '67062674', SHA512: '99943326' } },
  { time: 1234567890, codes: { SHA1: '89005924', SHA256: '91819424', SHA512: '93441116' } },
  { time: 2000000000, codes: { SHA1: '69279037', SHA256: '90698825', SHA512: '38618901' } },
  { time: 20000000000, codes: { SHA1: '65353130', SHA256: '77737706', SHA512: '47863826' } },
]

/** Throws unless the node:crypto baseline reproduces RFC 4226 appendix D and RFC 6238 appendix B. */
export function proveBaseline(): void {
  RFC4226_CODES.forEach((expected, counter) => {
    const got = nodeHotp('SHA1', rfcSeed('SHA1'), counter)
    if (got !== expected) throw new Error(`node:crypto baseline fails RFC 4226 counter ${counter}`)
  })
  for (const { time, codes } of RFC6238_VECTORS) {
    for (const algorithm of ALGORITHMS) {
      const got = nodeHotp(algorithm, rfcSeed(algorithm), Math.floor(time / PERIOD), 8)
      if (got !== codes[algorithm]) throw new Error(`node:crypto baseline fails RFC 6238 ${algorithm} at T=${time}`)
    }
  }
}

/**
 * Checks a contender on the RFC vectors and on every operation it will race with. Answers null when
 * it passes, or what it got wrong (without any secret: the RFC seeds are public).
 */
export async function proveContender(contender: Contender): Promise<string | null> {
  try {
    for (const algorithm of ALGORITHMS) {
      const keyed = await contender.forKey(algorithm, rfcSeed(algorithm))
      for (let counter = 0; counter < RFC4226_CODES.length; counter++) {
        const expected = algorithm === 'SHA1' ? RFC4226_CODES[counter]! : nodeHotp(algorithm, rfcSeed(algorithm), counter)
        const got = await keyed.hotp(counter)
        if (got !== expected) return `${algorithm} HOTP counter ${counter}: expected ${expected}, got ${got}`
        if ((await keyed.verifyHotp(expected, counter)) !== true) return `${algorithm} verifyHotp rejects a right code`
        if ((await keyed.verifyHotp(wrongCode(expected), counter)) !== false) {
          return `${algorithm} verifyHotp accepts a wrong code`
        }
      }
      // A TOTP code one step ahead must be found at delta +1, and a wrong one not at all.
      const time = 1_700_000_015
      const ahead = nodeHotp(algorithm, rfcSeed(algorithm), Math.floor(time / PERIOD) + 1)
      const delta = await keyed.verifyTotp(ahead, time)
      if (delta !== 1) return `${algorithm} verifyTotp window 1: expected delta 1, got ${String(delta)}`
      const none = await keyed.verifyTotp(wrongCode(ahead), time)
      if (none !== null && none !== undefined) return `${algorithm} verifyTotp accepts a wrong code (delta ${none})`
    }
    return null
  } catch (error) {
    return `threw ${(error as Error).name}: ${(error as Error).message}`
  }
}

/** A code of the same length that differs from `code` in its last digit. */
function wrongCode(code: string): string {
  const last = Number(code[code.length - 1])
  return code.slice(0, -1) + String((last + 1) % 10)
}

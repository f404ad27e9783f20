/**
 * The verifier's results and tokens as JSON: a bigint counter (above 2^53 - 1) becomes a string of
 * digits, which JSON numbers could not carry exactly.
 */
import type { ResyncResult, TokenInfo, VerifyResult } from '../verifier/index.js'

/** An object ready for JSON: no bigint left in it. */
type Json = Record<string, unknown>

function counterJson(counter: number | bigint): number | string {
  return typeof counter === 'bigint' ? counter.toString() : counter
}

export function tokenJson(token: TokenInfo): Json {
  return token.counter === undefined ? { ...token } : { ...token, counter: counterJson(token.counter) }
}

export function verifyJson(result: VerifyResult): Json {
  return result.ok && result.type === 'hotp' ? { ...result, counter: counterJson(result.counter) } : { ...result }
}

export function resyncJson(result: ResyncResult): Json {
  return result.ok && result.type === 'hotp' ? { ...result, counter: counterJson(result.counter) } : { ...result }
}

/** A counter given as a JSON number or a string of digits. */
export function counterInput(counter: number | string | undefined): number | bigint | undefined {
  if (counter === undefined || typeof counter === 'number') return counter
  const big = BigInt(counter)
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big
}

/**
 * The baseline: HOTP written by hand over node:crypto's `createHmac`, one HMAC object per code.
 * Every ratio in the benchmark is against this contender, measured in the same process and run.
 */
import { createHmac } from 'node:crypto'
import type { Algorithm, Contender, KeyedOtp, PeerDefinition } from '../contender.js'
import { keyedFromHotp, truncate, writeCounter } from '../hotp-by-hand.js'

/** node:crypto's name for each algorithm. */
export const NODE_HASH: Record<Algorithm, string> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' }

/** HOTP by hand with node:crypto, for any digit count: also makes the benchmark's fixtures. */
export function nodeHotp(algorithm: Algorithm, key: Uint8Array, counter: number, digits = 6): string {
  const block = writeCounter(new Uint8Array(8), counter)
  return truncate(createHmac(NODE_HASH[algorithm], key).update(block).digest(), digits)
}

/** The baseline's per-key operations; `key` is only wrapped, never copied into a cache. */
export function nodeKeyedOtp(algorithm: Algorithm, key: Uint8Array): KeyedOtp {
  const hash = NODE_HASH[algorithm]
  const block = new Uint8Array(8)
  return keyedFromHotp((counter) => truncate(createHmac(hash, key).update(writeCounter(block, counter)).digest(), 6))
}

const contender: Contender = {
  name: 'node:crypto',
  packageName: null,
  async: false,
  baseline: true,
  forKey: async (algorithm, key) => nodeKeyedOtp(algorithm, key),
}

/** The node:crypto baseline. */
export const nodeCryptoPeer: PeerDefinition = {
  name: contender.name,
  packageName: null,
  load: async () => contender,
}

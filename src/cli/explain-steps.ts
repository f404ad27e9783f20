/**
 * The steps of RFC 4226 section 5.3 for one code, computed the plain way (node:crypto's HMAC and
 * byte arithmetic) so that a person can check another implementation against each intermediate
 * value. This is a teaching path, not the engine: the result is compared with the library's hotp().
 */
import { createHmac } from 'node:crypto'
import type { Algorithm } from '../core/kernel.js'

/** Every intermediate value of one HOTP computation. */
export interface HotpSteps {
  /** The counter C. */
  counter: bigint
  /** C as 8 big-endian bytes (RFC 4226 section 5.2). */
  counterBytes: Uint8Array
  /** HS = HMAC(K, C): 20, 32 or 64 bytes. */
  hmac: Uint8Array
  /** The low 4 bits of the last byte of HS (section 5.3, step 2). */
  offset: number
  /** HS[offset .. offset + 3]. */
  taken: Uint8Array
  /** Those 4 bytes as a big-endian unsigned integer, before masking the top bit. */
  word: number
  /** The 31-bit value Snum: `word & 0x7fffffff`. */
  value: number
  /** 10^digits. */
  modulus: number
  /** Snum mod 10^digits. */
  remainder: number
  /** The remainder, zero-padded to `digits`. */
  code: string
}

const NODE_HASH: Record<Algorithm, string> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' }

/** Computes HOTP(K, C) step by step (RFC 4226 section 5.3; RFC 6238 section 1.2 for SHA-256/512). */
export function hotpSteps(key: Uint8Array, counter: number | bigint, digits: number, algorithm: Algorithm): HotpSteps {
  const c = BigInt(counter)
  const counterBytes = new Uint8Array(8)
  new DataView(counterBytes.buffer).setBigUint64(0, c, false)
  const hmac = new Uint8Array(createHmac(NODE_HASH[algorithm], key).update(counterBytes).digest())
  const offset = hmac[hmac.length - 1]! & 0x0f
  const taken = hmac.slice(offset, offset + 4)
  const word = new DataView(taken.buffer).getUint32(0, false)
  const value = word & 0x7fffffff
  const modulus = 10 ** digits
  const remainder = value % modulus
  return { counter: c, counterBytes, hmac, offset, taken, word, value, modulus, remainder, code: String(remainder).padStart(digits, '0') }
}

/**
 * The steps of RFC 4226 section 5.3 for one code, computed the plain way (HMAC from @noble/hashes,
 * byte arithmetic), apart from the engine, so that each intermediate value can be compared with
 * another implementation's; the page then checks the final code against the engine's.
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha1 } from '@noble/hashes/legacy.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import type { Algorithm } from 'otp-wasm'

const HASHES = { SHA1: sha1, SHA256: sha256, SHA512: sha512 } as const

/** Every intermediate value of one HOTP computation. */
export interface HotpSteps {
  /** The counter C. */
  counter: bigint
  /** C as 8 big-endian bytes (section 5.2). */
  counterBytes: Uint8Array
  /** HS = HMAC(K, C): 20, 32 or 64 bytes. */
  hmac: Uint8Array
  /** The low 4 bits of the last byte of HS (section 5.3, step 2). */
  offset: number
  /** HS[offset .. offset + 3] as a big-endian integer, before the top bit is masked. */
  word: number
  /** Snum = word & 0x7fffffff. */
  value: number
  /** Snum mod 10^digits (Steam Guard: Snum itself). */
  remainder: number
  /** Steam Guard only: Snum's 5 base-26 digits, least significant first. */
  steamDigits?: number[]
  /** The remainder, zero-padded to `digits`; Steam Guard: the base-26 digits as characters. */
  code: string
}

/** The 26 characters of Steam Guard codes, written out here apart from the library's STEAM_ALPHABET. */
export const STEAM_CHARACTERS = '23456789BCDFGHJKMNPQRTVWXY'

/**
 * HOTP(K, C) step by step (RFC 4226 section 5.3; RFC 6238 section 1.2 for SHA-256 and SHA-512).
 * `digits` 'steam' writes Snum as a Steam Guard code: 5 base-26 digits, least significant first.
 */
export function hotpSteps(key: Uint8Array, counter: bigint, digits: number | 'steam', algorithm: Algorithm): HotpSteps {
  const counterBytes = new Uint8Array(8)
  new DataView(counterBytes.buffer).setBigUint64(0, counter, false)
  const mac = hmac(HASHES[algorithm], key, counterBytes)
  const offset = mac[mac.length - 1]! & 0x0f
  const word = new DataView(mac.buffer, mac.byteOffset + offset, 4).getUint32(0, false)
  const value = word & 0x7fffffff
  const common = { counter, counterBytes, hmac: mac, offset, word, value }
  if (digits === 'steam') {
    const steamDigits: number[] = []
    for (let rest = value; steamDigits.length < 5; rest = Math.floor(rest / 26)) steamDigits.push(rest % 26)
    return { ...common, remainder: value, steamDigits, code: steamDigits.map((d) => STEAM_CHARACTERS[d]).join('') }
  }
  const remainder = value % 10 ** digits
  return { ...common, remainder, code: String(remainder).padStart(digits, '0') }
}

/** The time step T of RFC 6238 section 4.2: floor((time - t0) / period). */
export function timeStep(time: number, t0: number, period: number): bigint {
  return BigInt(Math.floor((time - t0) / period))
}

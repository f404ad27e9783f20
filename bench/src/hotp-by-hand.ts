/**
 * The pieces of RFC 4226 that every hand-written contender shares: the 8-byte counter block, dynamic
 * truncation, a constant-time code comparison and the TOTP window walk. Peers that only offer an HMAC
 * (node:crypto, @noble/hashes, hash-wasm, Web Crypto) are completed into HOTP with these, so that they
 * differ only in how they compute the MAC.
 */

import type { KeyedOtp } from './contender.js'
import { PERIOD } from './contender.js'

/** Writes `counter` big-endian into the 8-byte block HOTP authenticates (RFC 4226 section 5.2). */
export function writeCounter<T extends Uint8Array>(block: T, counter: number): T {
  const high = Math.floor(counter / 0x1_0000_0000)
  const low = counter >>> 0
  block[0] = high >>> 24
  block[1] = high >>> 16
  block[2] = high >>> 8
  block[3] = high
  block[4] = low >>> 24
  block[5] = low >>> 16
  block[6] = low >>> 8
  block[7] = low
  return block
}

/** A fresh 8-byte counter block: for peers that keep a reference to their input. */
export function counterBlock(counter: number): Uint8Array<ArrayBuffer> {
  return writeCounter(new Uint8Array(8), counter)
}

const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]

/** Dynamic truncation and reduction to `digits` decimal digits (RFC 4226 section 5.3), zero-padded. */
export function truncate(mac: Uint8Array, digits: number): string {
  const offset = mac[mac.length - 1]! & 0x0f
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!
  return String(binary % POWERS_OF_TEN[digits]!).padStart(digits, '0')
}

/** Compares two codes without an early exit, as a verifier must. */
export function sameCode(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}

/** TOTP time step of RFC 6238 section 4.2 with T0 = 0. */
export function timeStep(time: number, period: number): number {
  return Math.floor(time / period)
}

/** The order a verifier tries the window in: closest first, the past before the future. */
export const WINDOW_ONE_ORDER = [0, -1, 1] as const

/** Verifies a TOTP code over a window of one step each way with a synchronous HOTP function. */
export function verifyTotpWindowOne(hotp: (counter: number) => string, code: string, step: number): number | null {
  for (const delta of WINDOW_ONE_ORDER) if (sameCode(hotp(step + delta), code)) return delta
  return null
}

/** The same walk for an HOTP function that answers with a promise (Web Crypto). */
export async function verifyTotpWindowOneAsync(
  hotp: (counter: number) => Promise<string>,
  code: string,
  step: number,
): Promise<number | null> {
  for (const delta of WINDOW_ONE_ORDER) if (sameCode(await hotp(step + delta), code)) return delta
  return null
}

/** Completes a synchronous 6-digit HOTP function into the single-code operations a contender races. */
export function keyedFromHotp(hotp: (counter: number) => string): KeyedOtp {
  return {
    hotp,
    verifyHotp: (code, counter) => sameCode(hotp(counter), code),
    verifyTotp: (code, time) => verifyTotpWindowOne(hotp, code, timeStep(time, PERIOD)),
  }
}

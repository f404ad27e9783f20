/**
 * What the benchmark races: contenders, each able to prepare one key and then run the single-code
 * operations on it. Everything a server could cache per user (a keyed HMAC state, a CryptoKey, a
 * library object) is made in `forKey`, before timing; each timed call still computes full HOTPs.
 */
/** The hash names of the public API (bench/src/api-check.ts holds them to the package's). */
export type Algorithm = 'SHA1' | 'SHA256' | 'SHA512'

/** TOTP period used by every TOTP workload, in seconds. */
export const PERIOD = 30

/** The single-code operations on one key. Answers may be promises (Web Crypto, some engines). */
export interface KeyedOtp {
  /** The 6-digit HOTP code for `counter`. */
  hotp(counter: number): string | Promise<string>
  /** Whether `code` is the HOTP code for exactly `counter` (window 0). */
  verifyHotp(code: string, counter: number): boolean | Promise<boolean>
  /** The matched step delta of a 6-digit TOTP code at unix time `time`, window 1, period 30; or null. */
  verifyTotp(code: string, time: number): number | null | Promise<number | null>
}

/** One engine in the race. */
export interface Contender {
  /** Name shown in tables and charts, e.g. `otplib` or `@noble/hashes (keyed state)`. */
  readonly name: string
  /** The npm package it comes from, for its version in the report; null for Node built-ins. */
  readonly packageName: string | null
  /** True when its operations answer with promises, so benchmark.js must run it deferred. */
  readonly async: boolean
  /** True for the node:crypto baseline every ratio is against. */
  readonly baseline?: boolean
  /** Prepares one key: everything a server could cache per user. */
  forKey(algorithm: Algorithm, key: Uint8Array): Promise<KeyedOtp>
  /** Releases what the contender holds (engines, workers). */
  close?(): Promise<void>
}

/** A contender that could not race, and why: shown loudly in the output. */
export interface Skipped {
  readonly name: string
  readonly reason: string
}

/** How a peer is found: `load` answers with the contender, or with the reason it cannot run. */
export interface PeerDefinition {
  readonly name: string
  readonly packageName: string | null
  load(): Promise<Contender | Skipped>
}

/** Tells a loaded contender from a skip. */
export function isSkipped(value: Contender | Skipped): value is Skipped {
  return 'reason' in value
}

/**
 * The verifier's public types: what a token is enrolled with, what it looks like from outside, and
 * what a verification says. Expected outcomes (a wrong code, a replay, a lock) are results, not
 * errors; only bad input and broken stores throw OtpError.
 */
import type { Algorithm } from '../core/kernel.js'

/** How a token computes its codes: a time-based token (RFC 6238) or a counter-based one (RFC 4226). */
export type TokenType = 'totp' | 'hotp'

/** What enroll() takes besides the id and the secret. Unset fields take the defaults of DESIGN.md. */
export type EnrollParams =
  | {
      type: 'totp'
      /** The HMAC's hash. Default 'SHA1'. */
      algorithm?: Algorithm
      /** Code length, 6 to 10. Default 6. */
      digits?: number
      /** Time step X of RFC 6238 section 4.1, in seconds. Default 30. */
      period?: number
      /** Unix time T0 the steps count from, in seconds. Default 0. */
      t0?: number
    }
  | {
      type: 'hotp'
      algorithm?: Algorithm
      digits?: number
      /** The counter the token's next code uses (RFC 4226 section 5.2). Default 0. */
      counter?: number | bigint
    }

/** A token as inspect() shows it: everything but its secret. */
export interface TokenInfo {
  readonly id: string
  readonly type: TokenType
  readonly algorithm: Algorithm
  readonly digits: number
  /** TOTP only: the time step in seconds. */
  readonly period?: number
  /** TOTP only: the unix time the steps count from. */
  readonly t0?: number
  /** HOTP only: the counter the next code must use. It never moves backwards. */
  readonly counter?: number | bigint
  /** TOTP only: the last accepted time step, or null before the first success. */
  readonly lastStep?: number | null
  /** TOTP only: the learned clock drift in steps (RFC 6238 section 6); checks centre on it. */
  readonly drift: number
  /** Failed attempts since the last success or resync (RFC 4226 section 7.3). */
  readonly failures: number
  /** While the token is locked: until when, in Date.now() milliseconds. Otherwise 0. */
  readonly lockedUntil: number
}

/** Why a verification failed. */
export type RejectReason = 'INVALID' | 'REPLAYED' | 'LOCKED'

/**
 * The outcome of one verification.
 *
 * - `ok: true`: the code was accepted and the token updated in the same atomic step. `delta` is the
 *   matched offset: in steps from now for TOTP (drift included), in counters past the expected one
 *   for HOTP. `step` / `counter` is the time step or counter the code belongs to.
 * - 'INVALID': no code in the window matched. `failures` counts the consecutive failures; when this
 *   one locked the token, `until` says until when (Date.now() milliseconds).
 * - 'REPLAYED': the code is right but belongs to a step or counter already used (RFC 6238 section
 *   5.2, RFC 4226 section 7.2). Not counted as a failure: it proves knowledge of the secret's codes.
 * - 'LOCKED': too many failures (RFC 4226 section 7.3); the code was not even checked.
 */
export type VerifyResult =
  | { readonly ok: true; readonly type: 'totp'; readonly delta: number; readonly step: number }
  | { readonly ok: true; readonly type: 'hotp'; readonly delta: number; readonly counter: number | bigint }
  | { readonly ok: false; readonly reason: 'INVALID'; readonly failures: number; readonly until?: number }
  | { readonly ok: false; readonly reason: 'REPLAYED' }
  | { readonly ok: false; readonly reason: 'LOCKED'; readonly until: number }

/**
 * The outcome of a resync (RFC 4226 section 7.4; for TOTP, RFC 6238 section 6). On success the
 * token's failures are cleared; `counter` (HOTP) is the counter the next code will use, `drift`
 * (TOTP) the drift learned from the codes. A resync is throttled like a verification (RFC 4226
 * section 7.3): a failed one counts as a failure, and a locked token answers 'LOCKED' without its
 * codes being looked at, until `until` (or until an administrator's verifier.unlock()).
 */
export type ResyncResult =
  | { readonly ok: true; readonly type: 'hotp'; readonly counter: number | bigint }
  | { readonly ok: true; readonly type: 'totp'; readonly step: number; readonly drift: number }
  | { readonly ok: false; readonly reason: 'INVALID'; readonly failures: number; readonly until?: number }
  | { readonly ok: false; readonly reason: 'LOCKED'; readonly until: number }

/** The outcome of verifier.replace(): the token as enrolled, and whether it took the place of another. */
export interface ReplaceResult {
  readonly token: TokenInfo
  /** Whether a token was enrolled under the id before (its secret and state are gone). */
  readonly replaced: boolean
}

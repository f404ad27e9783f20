/**
 * The verifier's decisions, as pure functions of (parameters, state, code, now, policy).
 *
 * A decision may need codes computed first; it then returns a Plan that names the engine check it
 * needs and continues with its answer. This keeps the rules free of I/O and lets verifyMany gather
 * the checks of many tokens into one engine batch.
 */
import { MAX_COUNTER } from '../core/validate.js'
import { parseTypedCode } from '../tokens/typed-code.js'
import { lockMillis, type VerifierPolicy } from './policy.js'
import { asCounter, type TokenParams, type TokenState } from './token.js'
import type { ResyncResult, VerifyResult } from './types.js'

/** A code computation the engine does for a plan. Positions are HOTP counters or TOTP steps. */
export type Check =
  /** verifyTotp at `time` (unix seconds), `window` steps either side. */
  | { readonly kind: 'totp'; readonly code: string; readonly time: number; readonly window: number }
  /** verifyHotp from `counter`, `window` counters ahead. */
  | { readonly kind: 'hotp'; readonly code: string; readonly counter: bigint; readonly window: number }
  /** resyncHotp of consecutive `codes` from `from`, `lookAhead` positions. */
  | { readonly kind: 'resync'; readonly codes: string[]; readonly from: bigint; readonly lookAhead: number }

/** What to answer, and the state to write (null: nothing changes, so nothing is written). */
export interface Decision<R> {
  readonly result: R
  readonly state: TokenState | null
}

/** Clears a token's failures and lock (an administrator's unlock); null when there is nothing to clear. */
export function unlocked(state: TokenState): TokenState | null {
  return state.failures === 0 && state.lockedUntil === 0 ? null : { ...state, failures: 0, lockedUntil: 0 }
}

/** A plan that has decided. */
export interface Done<R> {
  readonly done: Decision<R>
}

/** A plan that needs a check first, then continues with its answer (a delta, a position, or null). */
export interface Needs<R> {
  readonly check: Check
  readonly then: (match: number | bigint | null) => Plan<R>
}

export type Plan<R> = Done<R> | Needs<R>

export interface Attempt {
  readonly params: TokenParams
  readonly state: TokenState
  /** Date.now() milliseconds. */
  readonly now: number
  readonly policy: VerifierPolicy
}

/**
 * One verification. A locked token is answered 'LOCKED' before its code is looked at, so a lock
 * cannot be probed for right codes (RFC 4226 section 7.3).
 */
export function planVerify(a: Attempt, code: string): Plan<VerifyResult> {
  const { state, now } = a
  if (state.lockedUntil > now) return { done: { result: { ok: false, reason: 'LOCKED', until: state.lockedUntil }, state: null } }
  const digits = typedDigits(code, a.params.digits)
  if (digits === undefined) return { done: failure(a) }
  return a.params.type === 'totp' ? planTotp(a, digits) : planHotp(a, digits)
}

/**
 * A code as people type it ('996 554', '9965-54': one ASCII space or hyphen between digit groups,
 * tokens/typed-code.ts) as its `digits` ASCII digits, or undefined when it can never match.
 */
export function typedDigits(code: string, digits: number): string | undefined {
  if (code.length === digits) return isWellFormed(code, digits) ? code : undefined
  const value = parseTypedCode(code, digits)
  return value < 0 ? undefined : String(value).padStart(digits, '0')
}

/**
 * TOTP (RFC 6238): the window is centred on the current step plus the learned drift (section 6).
 * A match at or before the last accepted step is a replay (section 5.2); a new match moves the last
 * accepted step forward and learns the drift, within policy.maxDrift.
 */
function planTotp(a: Attempt, code: string): Plan<VerifyResult> {
  const { params, state, policy } = a
  const step = currentStep(params, a.now)
  if (step < 0) return { done: failure(a) }
  const centre = Math.max(0, step + state.drift)
  const check: Check = { kind: 'totp', code, time: stepTime(params, centre), window: policy.window }
  return {
    check,
    then(delta) {
      if (delta === null) return { done: failure(a) }
      const matched = centre + Number(delta)
      if (BigInt(matched) < state.next) return { done: { result: { ok: false, reason: 'REPLAYED' }, state: null } }
      const next = { next: BigInt(matched) + 1n, drift: clampDrift(matched - step, policy), failures: 0, lockedUntil: 0 }
      return { done: { result: { ok: true, type: 'totp', delta: matched - step, step: matched }, state: next } }
    },
  }
}

/**
 * HOTP (RFC 4226): look ahead from the expected counter (section 7.4); a match moves the counter
 * past it (section 7.2), so it never moves backwards. On a miss, a look behind tells a replay of a
 * used counter from a wrong code; it is only tried on a miss, so it never hides a fresh match.
 */
function planHotp(a: Attempt, code: string): Plan<VerifyResult> {
  const { state, policy } = a
  const expected = state.next
  if (expected > MAX_COUNTER) return { done: failure(a) }
  const room = MAX_COUNTER - expected
  const window = room < BigInt(policy.lookAhead) ? Number(room) : policy.lookAhead
  return {
    check: { kind: 'hotp', code, counter: expected, window },
    then(delta) {
      if (delta !== null) {
        const matched = expected + BigInt(delta)
        const next = { next: matched + 1n, drift: 0, failures: 0, lockedUntil: 0 }
        return { done: { result: { ok: true, type: 'hotp', delta: Number(delta), counter: asCounter(matched) }, state: next } }
      }
      const behind = expected < BigInt(policy.lookBehind) ? Number(expected) : policy.lookBehind
      if (behind === 0) return { done: failure(a) }
      return {
        check: { kind: 'hotp', code, counter: expected - BigInt(behind), window: behind - 1 },
        then: (old) => ({ done: old === null ? failure(a) : { result: { ok: false, reason: 'REPLAYED' }, state: null } }),
      }
    },
  }
}

/**
 * A resync from consecutive codes. HOTP (RFC 4226 section 7.4): scan policy.resyncLookAhead counters
 * from the expected one. TOTP (RFC 6238 section 6): scan the steps within policy.maxDrift of now that
 * come after the last accepted one, and learn the drift of the last code. Either way the new position
 * is past every given code, so none of them can be replayed, and the failures are cleared. A locked
 * token answers 'LOCKED' until its delay has passed, and a failed resync counts as a failure.
 */
export function planResync(a: Attempt, codes: string[]): Plan<ResyncResult> {
  const { params, state, policy } = a
  // Throttled like any attempt (RFC 4226 section 7.3): were a resync looked at on a locked token,
  // guesses at it would go on, unthrottled, until one unlocked the token.
  if (state.lockedUntil > a.now) return { done: { result: { ok: false, reason: 'LOCKED', until: state.lockedUntil }, state: null } }
  const typed = codes.map((code) => typedDigits(code, params.digits))
  if (typed.some((code) => code === undefined)) return { done: failure(a) }
  codes = typed as string[]
  if (params.type === 'hotp') {
    if (state.next > MAX_COUNTER) return { done: failure(a) }
    return {
      check: { kind: 'resync', codes, from: state.next, lookAhead: policy.resyncLookAhead },
      then(next) {
        if (next === null) return { done: failure(a) }
        const counter = BigInt(next)
        return { done: { result: { ok: true, type: 'hotp', counter: asCounter(counter) }, state: cleared(counter, 0) } }
      },
    }
  }
  const step = currentStep(params, a.now)
  const from = Math.max(step - policy.maxDrift, Number(state.next))
  const lookAhead = step + policy.maxDrift - from + 1
  if (step < 0 || lookAhead < 1) return { done: failure(a) }
  return {
    check: { kind: 'resync', codes, from: BigInt(from), lookAhead },
    then(next) {
      if (next === null) return { done: failure(a) }
      const last = Number(next) - 1
      const drift = clampDrift(last - step, policy)
      return { done: { result: { ok: true, type: 'totp', step: last, drift }, state: cleared(BigInt(last) + 1n, drift) } }
    },
  }
}

/**
 * A failed attempt: one more consecutive failure, and a lock once policy.maxFailures is reached,
 * doubling with each failure after (RFC 4226 section 7.3).
 */
export function failure(a: Attempt): Decision<{ ok: false; reason: 'INVALID'; failures: number; until?: number }> {
  const failures = a.state.failures + 1
  const lock = lockMillis(a.policy, failures)
  const lockedUntil = lock > 0 ? a.now + lock : 0
  const result =
    lock > 0
      ? { ok: false as const, reason: 'INVALID' as const, failures, until: lockedUntil }
      : { ok: false as const, reason: 'INVALID' as const, failures }
  return { result, state: { ...a.state, failures, lockedUntil } }
}

function cleared(next: bigint, drift: number): TokenState {
  return { next, drift, failures: 0, lockedUntil: 0 }
}

/** Exactly `digits` ASCII digits: anything else can never match and skips the engine. */
function isWellFormed(code: string, digits: number): boolean {
  if (code.length !== digits) return false
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/** The time step of RFC 6238 section 4.2 at `now` (milliseconds); negative before t0. */
export function currentStep(params: TokenParams, now: number): number {
  return Math.floor((now / 1000 - params.t0) / params.period)
}

/** A time inside `step` (its middle), so that rounding never lands it in a neighbour. */
export function stepTime(params: TokenParams, step: number): number {
  return params.t0 + (step + 0.5) * params.period
}

export function clampDrift(drift: number, policy: VerifierPolicy): number {
  return Math.max(-policy.maxDrift, Math.min(policy.maxDrift, drift))
}

/** Whether a plan has reached its decision. */
export function isDone<R>(plan: Plan<R>): plan is Done<R> {
  return 'done' in plan
}

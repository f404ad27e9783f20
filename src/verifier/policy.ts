/**
 * The verifier's policy: how wide it looks, how much drift it learns, and how it throttles.
 */
import { OtpError, describe } from '../core/errors.js'
import { MAX_RESYNC_CODES, MAX_WINDOW } from '../core/validate.js'

export interface VerifierPolicy {
  /** TOTP: steps either side of the drift-corrected step to try. RFC 6238 section 5.2 advises at most 1. */
  readonly window: number
  /** HOTP: counters past the expected one to try (the look-ahead parameter s of RFC 4226 section 7.4). */
  readonly lookAhead: number
  /**
   * HOTP: counters before the expected one checked only to tell a replay from a wrong code, so that
   * a double submission reads 'REPLAYED' and does not count towards a lock. 0 turns this off.
   */
  readonly lookBehind: number
  /** TOTP: the most drift, in steps either way, a token may learn (RFC 6238 section 6). */
  readonly maxDrift: number
  /** Consecutive failures that lock a token (the throttling parameter T of RFC 4226 section 7.3). */
  readonly maxFailures: number
  /** The first lock, in seconds; each failure after it doubles the lock. */
  readonly lockSeconds: number
  /** The longest lock, in seconds. */
  readonly maxLockSeconds: number
  /** HOTP resync: counters from the expected one the first code may sit at. */
  readonly resyncLookAhead: number
  /**
   * Resync: how many consecutive codes it asks for, at least 2. Two make a false match about one in
   * 10^12 per try; one code would make a resync as easy to guess as a verification, over a far wider
   * look-ahead.
   */
  readonly resyncCodes: number
  /** How often a compare-and-set lost to a concurrent writer is retried before 'STORE_CONFLICT'. */
  readonly maxRetries: number
}

export const DEFAULT_VERIFIER_POLICY: VerifierPolicy = Object.freeze({
  window: 1,
  lookAhead: 10,
  lookBehind: 10,
  maxDrift: 10,
  maxFailures: 5,
  lockSeconds: 30,
  maxLockSeconds: 3600,
  resyncLookAhead: 1000,
  resyncCodes: 2,
  maxRetries: 100,
})

/** The bounds of each policy field, inclusive. */
const BOUNDS: { readonly [K in keyof VerifierPolicy]: readonly [number, number] } = {
  window: [0, MAX_WINDOW],
  lookAhead: [0, MAX_WINDOW],
  lookBehind: [0, MAX_WINDOW],
  maxDrift: [0, MAX_WINDOW],
  maxFailures: [1, 1_000_000],
  lockSeconds: [0, 31_536_000],
  maxLockSeconds: [0, 31_536_000],
  resyncLookAhead: [1, 1_000_000],
  resyncCodes: [2, MAX_RESYNC_CODES],
  maxRetries: [0, 100_000],
}

/** The defaults with the caller's fields over them, each checked against its bounds. */
export function resolvePolicy(policy: Partial<VerifierPolicy> | undefined): VerifierPolicy {
  if (policy === undefined) return DEFAULT_VERIFIER_POLICY
  if (policy === null || typeof policy !== 'object') {
    throw new OtpError('INVALID_POLICY', `policy must be an object, got ${describe(policy)}`)
  }
  const resolved: Record<string, number> = { ...DEFAULT_VERIFIER_POLICY }
  for (const [name, value] of Object.entries(policy)) {
    const bounds = BOUNDS[name as keyof VerifierPolicy]
    if (bounds === undefined) {
      throw new OtpError('INVALID_POLICY', `policy has no field ${JSON.stringify(name.slice(0, 40))}`)
    }
    if (value === undefined) continue
    if (typeof value !== 'number' || !Number.isInteger(value) || value < bounds[0] || value > bounds[1]) {
      throw new OtpError(
        'INVALID_POLICY',
        `policy.${name} must be a whole number from ${bounds[0]} to ${bounds[1]}, got ${describe(value)}`,
      )
    }
    resolved[name] = value
  }
  if (resolved.maxLockSeconds! < resolved.lockSeconds!) {
    throw new OtpError('INVALID_POLICY', `policy.maxLockSeconds must not be below policy.lockSeconds`)
  }
  return Object.freeze(resolved as unknown as VerifierPolicy)
}

/**
 * How long the `failures`-th consecutive failure locks a token, in milliseconds: nothing below
 * maxFailures, then lockSeconds, doubling with each further failure up to maxLockSeconds.
 */
export function lockMillis(policy: VerifierPolicy, failures: number): number {
  if (failures < policy.maxFailures) return 0
  const doublings = Math.min(failures - policy.maxFailures, 40)
  return Math.min(policy.lockSeconds * 2 ** doublings, policy.maxLockSeconds) * 1000
}

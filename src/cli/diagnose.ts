/**
 * Why a code did not verify: the usual suspects, tried one at a time. Two implementations that
 * disagree most often read the secret differently (base32, hex or text), use another hash, or
 * disagree on the clock or the counter; each of these is checked and named when it explains the code.
 */
import { ALGORITHMS } from '../core/kernel.js'
import { verifyWith } from './compute.js'
import type { OtpParams } from './otp-params.js'
import { SECRET_FORMATS, decodeSecret, type SecretInput } from './secret-input.js'

/** How far a drift search looks: 10 minutes of 30-second steps, or 100 HOTP counters. */
const DRIFT_STEPS = 20
const DRIFT_COUNTERS = 100

/**
 * Hints explaining a code that did not verify with `window`, each a sentence for stderr; empty when
 * nothing explains it.
 */
export function explainMismatch(secret: SecretInput, code: string, params: OtpParams, window: number): string[] {
  const hints: string[] = []
  if (secret.format !== 'uri') {
    for (const format of SECRET_FORMATS) {
      if (format === secret.format) continue
      let key: Uint8Array
      try {
        key = decodeSecret(secret.text, format)
      } catch {
        continue
      }
      if (verifyWith(key, code, params, window) !== null) {
        hints.push(`the code matches if the secret is read as ${format} (--secret-format ${format})`)
      }
    }
  }
  for (const algorithm of ALGORITHMS) {
    if (algorithm === params.algorithm) continue
    if (verifyWith(secret.key, code, { ...params, algorithm }, window) !== null) {
      hints.push(`the code matches with --algorithm ${algorithm}`)
    }
  }
  const drift = driftHint(secret.key, code, params, window)
  if (drift !== undefined) hints.push(drift)
  return hints
}

function driftHint(key: Uint8Array, code: string, params: OtpParams, window: number): string | undefined {
  if (params.type === 'hotp') {
    if (window >= DRIFT_COUNTERS) return undefined
    const delta = verifyWith(key, code, params, DRIFT_COUNTERS)
    if (delta === null) return undefined
    const counter = BigInt(params.counter) + BigInt(delta)
    return `the code matches counter ${counter}, ${delta} past --hotp: widen --window, or use otp resync`
  }
  if (window >= DRIFT_STEPS) return undefined
  const delta = verifyWith(key, code, params, DRIFT_STEPS)
  if (delta === null) return undefined
  const seconds = delta * params.period
  const direction = seconds > 0 ? 'ahead of' : 'behind'
  return `the code matches ${Math.abs(delta)} time steps (${Math.abs(seconds)} s) ${direction} the time checked: a clock is off, or widen --window`
}

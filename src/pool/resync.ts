/**
 * The resync of an engine runs its scan on an executor, yet must check its inputs and shape its
 * answer exactly as resyncHotp of src/otp.ts does. So it runs that very function twice over a
 * kernel that only records: once to learn the scan (after every check), and once to turn the
 * executor's offset into the answer. Only the scan is replaced; nothing is restated here.
 */
import type { Kernel } from '../kernel.js'
import { singleCodeApi, type ResyncOptions } from '../otp.js'
import type { Secret } from '../secret.js'
import type { ScanRequest } from './executor.js'

let recorded: ScanRequest | undefined
let reply = -1

const unused = (): never => {
  throw new Error('resync uses only Kernel.scan')
}

const recorder: Kernel = {
  backend: 'js',
  hotp: unused,
  verify: unused,
  verifyBatch: unused,
  generateBatch: unused,
  scan(alg, key, hi, lo, count, codes, digits) {
    // The key is the caller's own array when the secret was bytes: copied, so the scan reads what was checked.
    recorded = { alg, key: key.slice(), hi, lo, count, codes: Array.from(codes), digits }
    return reply
  },
}

const api = singleCodeApi(recorder)

/** One resync's inputs, checked, and the scan it needs (none when the answer is null without one). */
export interface ResyncPlan {
  readonly scan: ScanRequest | undefined
  /** The answer, given the scan's offset (-1: no match). */
  answer(offset: number): number | bigint | null
}

/**
 * Checks a resync's inputs, as resyncHotp does.
 * @throws OtpError for a bad input, as resyncHotp does.
 */
export function planResync(secret: Secret, codes: string[], from: number | bigint, options?: ResyncOptions): ResyncPlan {
  // Kept as given now, so that the answer does not depend on what the caller changes meanwhile.
  const given = Array.isArray(codes) ? codes.slice() : codes
  recorded = undefined
  reply = -1
  api.resyncHotp(secret, given, from, options)
  const scan = recorded
  recorded = undefined
  return {
    scan,
    answer(offset) {
      if (scan === undefined || offset < 0) return null
      reply = offset
      try {
        return api.resyncHotp(secret, given, from, options)
      } finally {
        reply = -1
        recorded?.key.fill(0)
        recorded = undefined
      }
    },
  }
}

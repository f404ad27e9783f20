/**
 * Single verifications arriving together go to the store together. Each POST /v1/verify waits for
 * the end of the event loop's current turn; every request parsed in that turn is verified by one
 * verifyMany call: one store read, one engine batch and one store write (one SQLite commit, one
 * Redis round trip) for all of them, instead of one each. verifyMany decides exactly as verify()
 * does, a token named twice included (the second use loses its compare-and-set, is decided again,
 * and reads REPLAYED), so callers see the same answers, sooner under load. A lone request costs one
 * setImmediate more than a direct verify().
 */
import type { OtpError } from '../core/errors.js'
import type { Verifier, VerifyRequest, VerifyResult } from '../verifier/index.js'

interface Waiting {
  readonly request: VerifyRequest
  resolve(result: VerifyResult): void
  reject(error: unknown): void
}

export interface Coalescer {
  verify(tokenId: string, code: string): Promise<VerifyResult>
}

/** Groups verify() calls of one event loop turn, at most `maxGroup` to a verifyMany call. */
export function createCoalescer(verifier: Verifier, maxGroup = 512): Coalescer {
  let waiting: Waiting[] = []
  let scheduled = false

  const flush = () => {
    scheduled = false
    const group = waiting
    waiting = []
    if (group.length === 0) return
    if (group.length === 1) {
      const [only] = group
      verifier.verify(only!.request.tokenId, only!.request.code).then(only!.resolve, only!.reject)
      return
    }
    verifier.verifyMany(group.map((entry) => entry.request)).then(
      (results: Array<VerifyResult | OtpError>) => {
        results.forEach((result, i) => (result instanceof Error ? group[i]!.reject(result) : group[i]!.resolve(result)))
      },
      (error: unknown) => {
        for (const entry of group) entry.reject(error)
      },
    )
  }

  return {
    verify(tokenId, code) {
      return new Promise<VerifyResult>((resolve, reject) => {
        waiting.push({ request: { tokenId, code }, resolve, reject })
        if (waiting.length >= maxGroup) flush()
        else if (!scheduled) {
          scheduled = true
          setImmediate(flush)
        }
      })
    },
  }
}

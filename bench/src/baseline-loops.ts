/**
 * The node:crypto loops that large workloads are compared with, written as a server would write them
 * without otp-wasm. They run on the main thread (one thread) and in worker threads (all threads), on a
 * sample of the workload: their speed per record or per counter does not depend on its size.
 */
import type { Algorithm } from './contender.js'
import { nodeHotp, nodeKeyedOtp } from './peers/node-crypto.js'
import { generateRecords, scanTarget, totpRecords } from './fixtures.js'
import { sameCode } from './hotp-by-hand.js'

/** A piece of baseline work, small enough to send to a worker. */
export type BaselineJob =
  | { readonly kind: 'totp-batch'; readonly count: number; readonly seed: number }
  | { readonly kind: 'resync-scan'; readonly count: number; readonly algorithm: Algorithm }
  | { readonly kind: 'generate-batch'; readonly count: number; readonly seed: number }

/**
 * Builds the job's inputs (untimed) and answers the loop to time. The loop throws if it gets a wrong
 * answer, so a broken baseline can never look fast.
 */
export function prepareBaselineJob(job: BaselineJob): () => void {
  switch (job.kind) {
    case 'totp-batch':
      return totpBatchLoop(job.count, job.seed)
    case 'resync-scan':
      return resyncScanLoop(job.count, job.algorithm)
    case 'generate-batch':
      return generateBatchLoop(job.count, job.seed)
  }
}

function generateBatchLoop(count: number, seed: number): () => void {
  const { secrets, counters, codes } = generateRecords(count, seed)
  return () => {
    for (let i = 0; i < count; i++) {
      const code = nodeHotp('SHA1', secrets[i]!, counters[i]!)
      if (code !== codes[i]) throw new Error(`node:crypto generate baseline: record ${i} got a wrong code`)
    }
  }
}

function totpBatchLoop(count: number, seed: number): () => void {
  const records = totpRecords(count, seed)
  return () => {
    for (const record of records) {
      const delta = nodeKeyedOtp('SHA1', record.secret).verifyTotp(record.code, record.time)
      if (delta !== 1) throw new Error(`node:crypto batch baseline: expected delta 1, got ${String(delta)}`)
    }
  }
}

function resyncScanLoop(count: number, algorithm: Algorithm): () => void {
  const target = scanTarget(count, algorithm)
  const keyed = nodeKeyedOtp(algorithm, target.key)
  const [first, second] = target.codes as [string, string]
  return () => {
    let found = -1
    for (let counter = target.from; counter < target.from + target.count; counter++) {
      if (sameCode(keyed.hotp(counter) as string, first) && sameCode(keyed.hotp(counter + 1) as string, second)) {
        found = counter + 2
        break
      }
    }
    if (found !== target.expected) throw new Error(`node:crypto scan baseline: expected ${target.expected}, got ${found}`)
  }
}

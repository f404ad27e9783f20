/**
 * A resync scan across the workers. [0, count) is cut into counter ranges handed out in order; a
 * range owns the first-code positions in it, and the kernel reads past its end for the confirming
 * codes, so a match straddling two ranges is found by the range where it starts. The earliest match
 * wins: a range that matches lowers the call's cutoff to its index, and the workers scanning later
 * ranges stop at their next look, while earlier ranges run to their end.
 */
import { OtpError } from '../core/errors.js'
import type { Cancel } from '../engine/abort.js'
import { forEachLimited } from '../engine/flight.js'
import type { ScanRequest } from '../engine/executor.js'
import type { WorkerPool } from './pool.js'
import { isCut, lowerCutoff, newCutoff } from './protocol.js'

/** Counters per range at most: enough for each task to dwarf its round trip, few enough to share out evenly. */
export const MAX_RANGE = 1 << 21

/** Counters per range at least (about 1.5 ms of one core, against a round trip of about 0.2 ms). */
const MIN_RANGE = 1 << 14

const TWO_32 = 2n ** 32n

/** The earliest offset in [0, count) where `codes` follow one another, or -1; see the module comment. */
export function poolScan(pool: WorkerPool, request: ScanRequest, cancel?: Cancel): Promise<number> {
  const { count } = request
  // At least four ranges per worker, so the last one to finish keeps the others waiting briefly.
  const size = Math.min(MAX_RANGE, Math.max(MIN_RANGE, Math.ceil(count / (4 * pool.threads))))
  const ranges = Math.ceil(count / size)
  const from = (BigInt(request.hi) << 32n) + BigInt(request.lo)
  const cutoff = newCutoff()
  // The earliest range whose outcome is known to decide the answer: a match, or a range lost twice.
  let decisive = Infinity
  let outcome: number | OtpError = -1

  const decide = (range: number, result: number | OtpError): void => {
    if (range >= decisive) return
    decisive = range
    outcome = result
    // The worker lowered it already on a match; a failure lowers it here.
    lowerCutoff(cutoff, range)
  }

  const runRange = async (range: number): Promise<void> => {
    const first = range * size
    const start = from + BigInt(first)
    try {
      const answer = await pool.run(
        'scan',
        () => ({
          task: {
            kind: 'scan',
            index: range,
            cutoff,
            alg: request.alg,
            key: request.key,
            hi: Number(start / TWO_32),
            lo: Number(start % TWO_32),
            count: Math.min(size, count - first),
            codes: request.codes,
            digits: request.digits,
          },
          transfer: [],
        }),
        () => isCut(cutoff, range),
      )
      if ('offset' in answer && answer.offset >= 0) decide(range, first + answer.offset)
    } catch (error) {
      if (!(error instanceof OtpError) || error.code !== 'WORKER_FAILED') throw error
      decide(range, error)
    }
  }

  const scan = async (): Promise<number> => {
    // Two ranges per worker in flight, one running and one waiting, so no worker idles between
    // ranges; none is started past the deciding range.
    await forEachLimited(ranges, 2 * pool.threads, runRange, (range) => range < decisive)
    if (outcome instanceof OtpError) throw outcome
    return outcome
  }

  return cancel ? cancel.race(scan, () => Atomics.store(cutoff, 0, -1)) : scan()
}

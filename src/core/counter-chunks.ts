/**
 * Long scans go in pieces: V8 tiers a WASM function up between calls, not during one, and workers
 * and the calling thread check for cancellation between pieces.
 */
import { OtpError } from './errors.js'

/** One piece of a scan: `n` counters from (hi, lo), `offset` counters after the scan's start. */
export interface CounterChunk {
  readonly offset: number
  readonly hi: number
  readonly lo: number
  readonly n: number
}

/**
 * Cuts `count` counters from (hi, lo) into pieces of at most `size` (a number, or a function asked
 * before each piece, for pieces sized by time), carrying the low half into the high one.
 * @throws OtpError('INTERNAL') for a size below 1: a piece of no counters would never end the loop.
 */
export function* counterChunks(hi: number, lo: number, count: number, size: number | (() => number)): Generator<CounterChunk> {
  hi >>>= 0
  lo >>>= 0
  for (let offset = 0; offset < count;) {
    const most = typeof size === 'number' ? size : size()
    if (!(most >= 1)) throw new OtpError('INTERNAL', `counter chunks of ${most} counters make no progress`)
    const n = Math.min(Math.floor(most), count - offset)
    yield { offset, hi, lo, n }
    offset += n
    lo += n
    if (lo >= 0x1_0000_0000) {
      lo -= 0x1_0000_0000
      hi = (hi + 1) >>> 0
    }
  }
}

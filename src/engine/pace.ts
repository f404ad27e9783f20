/**
 * Pacing: the calling thread runs long work (a resync scan, a batch) in pieces, with a turn of the
 * event loop between two, so that an abort can land. A piece is sized by time, not by a fixed count
 * of counters or records: the JS kernel computes SHA-512 some twenty times slower than the WASM
 * kernel computes SHA-1, and a count that suits the one keeps the other from looking for seconds.
 */
import { yieldTurn } from './yield-turn.js'

/** The clock pieces are timed with, in milliseconds (replaceable, for tests that simulate time). */
export const clock = { now: (): number => performance.now() }

/** How long one piece should take: an abort lands within about this long (and a turn after). */
export const PIECE_MS = 10

/** Growth of a piece over the one before at most, so that one badly timed piece cannot overshoot far. */
const MOST_GROWTH = 4

/**
 * Sizes the pieces of long work in units of work (counters, HMACs) so that each takes about
 * PIECE_MS, from the speed measured on the pieces before. It starts at `first`, small enough for
 * the slowest kernel, and remembers the speed between calls.
 */
export class Pacer {
  private size: number

  constructor(
    first: number,
    private readonly most: number,
  ) {
    this.size = first
  }

  /** The units of work the next piece should hold (at least 1). */
  next(): number {
    return this.size
  }

  /** Runs one piece of `units` of work, timing it to size the pieces after it. */
  run<T>(units: number, piece: () => T): T {
    const started = clock.now()
    try {
      return piece()
    } finally {
      this.learn(units, clock.now() - started)
    }
  }

  private learn(units: number, elapsed: number): void {
    if (!(units > 0)) return
    // A piece too quick to time (a coarse clock) only grows the next one, by MOST_GROWTH at most.
    const fitting = elapsed > 0 ? Math.floor((units / elapsed) * PIECE_MS) : Infinity
    const limit = Math.max(units, this.size) * MOST_GROWTH
    this.size = Math.max(1, Math.min(fitting, limit, this.most))
  }
}

/**
 * How long the calling thread has worked since the event loop last had a turn, whichever calls the
 * pieces belong to: one call's pieces, or the small groups of many calls chained through promise
 * callbacks, which alone would never give a timer (an abort) its turn.
 */
class Stretch {
  /** When the stretch of work in this turn began, or -1 when no piece has run since the last turn. */
  private start = -1

  /** Whether this turn has run PIECE_MS of work already: the next piece should wait for a turn. */
  due(): boolean {
    const now = clock.now()
    if (this.start < 0) {
      this.start = now
      void yieldTurn().then(() => (this.start = -1))
      return false
    }
    return now - this.start >= PIECE_MS
  }
}

/** The calling thread's stretch of work (one per thread: module state, as the thread is). */
export const stretch = new Stretch()

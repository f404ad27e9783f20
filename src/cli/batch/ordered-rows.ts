/**
 * The result rows of `otp batch`, kept in input order. A line's row is settled either at once (a line
 * that is not a record: its error) or when the engine's answer for its record arrives; the engine
 * answers records in the order they were given. Rows leave from the front as soon as they are
 * settled, with the input bytes they account for, so that the output and the progress line follow
 * the input closely and memory holds only the rows in flight.
 */
import type { OtpError } from '../../core/errors.js'
import type { BatchFormat } from './records.js'
import { formatResult, type ResultSource } from './results.js'

/** Marks a row still waiting for the engine's answer. */
const PENDING = Symbol('pending')

type Outcome = number | null | OtpError

/** What leaves the front of the rows: their result lines, and what they account for. */
export interface Settled {
  text: string
  records: number
  inputBytes: number
}

/**
 * Rows in input order; see the file comment. Kept as three parallel arrays rather than an object
 * per row: a million-line input makes a million rows, and the collector pays for each object.
 */
export class OrderedRows {
  private lines: number[] = []
  private ids: Array<string | number | undefined> = []
  private outcomes: Array<Outcome | typeof PENDING> = []
  /** The first row not yet taken out. */
  private head = 0
  /** The first row that may be waiting for the engine: answers are matched from here. */
  private answerAt = 0
  /** Input bytes credited once a number of rows (counted from the start) are out. */
  private readonly bytes: Array<[rows: number, bytes: number]> = []
  /** Rows taken out before the arrays' first element. */
  private dropped = 0

  constructor(private readonly output: BatchFormat) {}

  /** A line whose error is known: settled now. */
  addSettled(line: number, error: OtpError, id: string | number | undefined): void {
    this.lines.push(line)
    this.ids.push(id)
    this.outcomes.push(error)
  }

  /** A line whose record went to the engine: settled by answer(). */
  addPending(line: number, id: string | number | undefined): void {
    this.lines.push(line)
    this.ids.push(id)
    this.outcomes.push(PENDING)
  }

  /** Input bytes to count as done once every row added so far is out. */
  addInputBytes(bytes: number): void {
    this.bytes.push([this.dropped + this.lines.length, bytes])
  }

  /** The engine's answer for the oldest record still waiting for one. */
  answer(outcome: Outcome): void {
    const outcomes = this.outcomes
    let at = Math.max(this.answerAt, this.head)
    while (outcomes[at] !== PENDING) at++
    outcomes[at] = outcome
    this.answerAt = at + 1
  }

  /** Takes out the settled rows at the front. */
  take(): Settled {
    const { lines, ids, outcomes, output } = this
    let text = ''
    const first = this.head
    let at = first
    while (at < outcomes.length && outcomes[at] !== PENDING) {
      const id = ids[at]
      const source: ResultSource = id === undefined ? { line: lines[at]! } : { line: lines[at]!, id }
      text += formatResult(output, source, outcomes[at] as Outcome)
      at++
    }
    this.head = at
    const out = this.dropped + at
    let inputBytes = 0
    while (this.bytes.length > 0 && this.bytes[0]![0] <= out) inputBytes += this.bytes.shift()![1]
    // Drop the rows taken out once they are most of the arrays, so that these do not grow without end.
    if (at > 4096 && at * 2 > outcomes.length) {
      this.lines = lines.slice(at)
      this.ids = ids.slice(at)
      this.outcomes = outcomes.slice(at)
      this.answerAt = Math.max(0, this.answerAt - at)
      this.dropped += at
      this.head = 0
    }
    return { text, records: at - first, inputBytes }
  }
}

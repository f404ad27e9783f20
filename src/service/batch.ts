/**
 * NDJSON in, NDJSON out, for POST /v1/verify/batch: the body's lines are read as they arrive, handed
 * to verifyMany a chunk at a time, and each chunk's results are written, in order, before more input
 * is read than the next chunk needs. Memory holds two chunks whatever the body's length, and a
 * client that stops reading the answer stops the reading of its body (backpressure both ways).
 */
import { OtpError } from '../core/errors.js'
import type { Verifier, VerifyRequest } from '../verifier/index.js'
import { errorAnswer } from './errors.js'
import { verifyJson } from './json.js'
import type { Metrics } from './metrics.js'

export interface BatchOptions {
  readonly verifier: Verifier
  readonly metrics: Metrics
  /** Lines per verifyMany call. */
  readonly chunk: number
  /** Longest line, in bytes: a longer one is answered with an error line, unread. */
  readonly lineLimit: number
}

/** A line as read: a request, or the error that line is answered with. */
type Parsed = VerifyRequest | OtpError

const NEWLINE = 0x0a

/** The answer's text, a chunk of lines at a time, for the lines of `body`. */
export async function* verifyLines(body: AsyncIterable<Buffer | string>, options: BatchOptions): AsyncGenerator<string> {
  let lines: Parsed[] = []
  let previous: Promise<string> | undefined
  let number = 0
  for await (const line of splitLines(body, options.lineLimit)) {
    number++
    const parsed = line === null ? lineError(number, `is longer than ${options.lineLimit} bytes`) : parseLine(line, number)
    if (parsed === undefined) continue
    lines.push(parsed)
    if (lines.length >= options.chunk) {
      // This chunk's verification starts now; the previous chunk's text is sent while it runs.
      const next = runChunk(lines, options)
      lines = []
      if (previous !== undefined) yield await previous
      previous = next
    }
  }
  const last = lines.length > 0 ? runChunk(lines, options) : undefined
  if (previous !== undefined) yield await previous
  if (last !== undefined) yield await last
}

/** Verifies one chunk and renders its lines; never rejects (a failure answers every line). */
async function runChunk(lines: readonly Parsed[], options: BatchOptions): Promise<string> {
  const requests: VerifyRequest[] = []
  for (const line of lines) if (!(line instanceof OtpError)) requests.push(line)
  let results: ReadonlyArray<unknown>
  try {
    results = requests.length === 0 ? [] : await options.verifier.verifyMany(requests)
  } catch (error) {
    results = requests.map(() => error)
  }
  const counts = new Map<string, number>()
  let out = ''
  let next = 0
  for (const line of lines) {
    const result = line instanceof OtpError ? line : results[next++]
    let outcome: string
    if (result instanceof Error || result === undefined) {
      const { body } = errorAnswer(result)
      outcome = body.error.code
      out += `${JSON.stringify(body)}\n`
    } else {
      const verified = result as Parameters<typeof verifyJson>[0]
      outcome = verified.ok ? 'ok' : verified.reason
      out += `${JSON.stringify(verifyJson(verified))}\n`
    }
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1)
  }
  for (const [outcome, count] of counts) {
    options.metrics.verified(outcome, count)
    if (outcome === 'STORE_UNAVAILABLE' || outcome === 'STORE_CONFLICT') options.metrics.storeError(outcome)
  }
  return out
}

/** One line's request; undefined for a blank line, which is skipped and gets no answer line. */
function parseLine(text: string, number: number): Parsed | undefined {
  if (text.trim() === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    // Not the parser's message: it quotes the line, which holds a code.
    return lineError(number, 'is not valid JSON')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return lineError(number, 'must be a JSON object {"id", "code"}')
  const record = value as Record<string, unknown>
  for (const field of Object.keys(record)) {
    if (field !== 'id' && field !== 'code') return lineError(number, `has an unknown field ${JSON.stringify(field.slice(0, 40))}`)
  }
  if (typeof record.id !== 'string') return lineError(number, 'needs "id", a string')
  if (typeof record.code !== 'string') return lineError(number, 'needs "code", a string')
  return { tokenId: record.id, code: record.code }
}

function lineError(number: number, what: string): OtpError {
  return new OtpError('INVALID_RECORD', `line ${number} ${what}`)
}

/**
 * The lines of a byte stream, as UTF-8 text without their '\n' (or '\r\n'); null for a line longer
 * than `limit` bytes, whose bytes are dropped as they come.
 */
export async function* splitLines(body: AsyncIterable<Buffer | string>, limit: number): AsyncGenerator<string | null> {
  let parts: Buffer[] = []
  let held = 0
  let tooLong = false
  for await (const piece of body) {
    const buffer = typeof piece === 'string' ? Buffer.from(piece) : piece
    let start = 0
    for (;;) {
      const end = buffer.indexOf(NEWLINE, start)
      if (end < 0) break
      if (tooLong || held + (end - start) > limit) {
        yield null
      } else {
        const bytes = held === 0 ? buffer.subarray(start, end) : Buffer.concat([...parts, buffer.subarray(start, end)])
        yield trimReturn(bytes.toString('utf8'))
      }
      parts = []
      held = 0
      tooLong = false
      start = end + 1
    }
    if (start < buffer.length && !tooLong) {
      held += buffer.length - start
      if (held > limit) {
        tooLong = true
        parts = []
      } else {
        parts.push(buffer.subarray(start))
      }
    }
  }
  if (tooLong) yield null
  else if (held > 0) yield trimReturn(Buffer.concat(parts).toString('utf8'))
}

function trimReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line
}

/**
 * Cuts a byte stream into chunks of whole lines, so that a file of any size streams through a fixed
 * amount of memory. A line longer than the limit is skipped and reported by its number, rather than
 * buffered without bound.
 */

/** What lineChunks yields: whole lines, or the number of a line that was too long to keep. */
export type LineChunk =
  | { kind: 'lines'; bytes: Uint8Array; firstLine: number; lineCount: number; inputBytes: number }
  | { kind: 'overlong'; line: number; inputBytes: number }

const NEWLINE = 0x0a

function countNewlines(bytes: Uint8Array): number {
  let count = 0
  for (let i = bytes.indexOf(NEWLINE); i >= 0; i = bytes.indexOf(NEWLINE, i + 1)) count++
  return count
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/**
 * Yields chunks of at least `targetBytes` of whole lines (less at the end of the input), each with the
 * number of its first line. `inputBytes` counts the input bytes the chunk covers, for progress.
 * A line is overlong when it passes `maxLineBytes`; the input's pieces must not be longer than that
 * (a file stream's highWaterMark), since only a line that spans pieces is measured.
 */
export async function* lineChunks(input: AsyncIterable<Uint8Array>, targetBytes: number, maxLineBytes: number): AsyncGenerator<LineChunk> {
  let parts: Uint8Array[] = [] // whole lines, then the start of a partial one
  let wholeBytes = 0
  let partialBytes = 0
  let nextLine = 1
  let skipping = false // inside an overlong line
  let skippedBytes = 0

  /** Yields the whole lines held, keeping the partial line. */
  function* flush(): Generator<LineChunk> {
    if (wholeBytes === 0) return
    const all = concat(parts, wholeBytes + partialBytes)
    const bytes = all.subarray(0, wholeBytes)
    const lineCount = countNewlines(bytes)
    yield { kind: 'lines', bytes, firstLine: nextLine, lineCount, inputBytes: wholeBytes }
    nextLine += lineCount
    parts = partialBytes > 0 ? [all.subarray(wholeBytes)] : []
    wholeBytes = 0
  }

  /** Drops the partial line held: it is overlong, and the rest of it is skipped up to its newline. */
  function* startSkipping(): Generator<LineChunk> {
    yield* flush()
    parts = []
    skipping = true
    skippedBytes = partialBytes
    partialBytes = 0
  }

  for await (const data of input) {
    let pos = 0
    while (pos < data.length) {
      if (skipping) {
        const end = data.indexOf(NEWLINE, pos)
        if (end < 0) {
          skippedBytes += data.length - pos
          break
        }
        yield { kind: 'overlong', line: nextLine++, inputBytes: skippedBytes + end + 1 - pos }
        skipping = false
        pos = end + 1
        continue
      }
      const first = data.indexOf(NEWLINE, pos)
      if (first < 0) {
        parts.push(data.subarray(pos))
        partialBytes += data.length - pos
        if (partialBytes > maxLineBytes) yield* startSkipping()
        break
      }
      if (partialBytes + first - pos > maxLineBytes) {
        parts.push(data.subarray(pos, first))
        partialBytes += first - pos
        yield* startSkipping()
        skippedBytes -= first - pos // counted again when the skip ends at this newline
        continue
      }
      const last = data.lastIndexOf(NEWLINE)
      parts.push(data.subarray(pos))
      wholeBytes += partialBytes + last + 1 - pos
      partialBytes = data.length - last - 1
      pos = data.length
      if (wholeBytes >= targetBytes) yield* flush()
    }
  }
  if (skipping) {
    yield { kind: 'overlong', line: nextLine, inputBytes: skippedBytes }
    return
  }
  yield* flush()
  if (partialBytes > 0) {
    yield { kind: 'lines', bytes: concat(parts, partialBytes), firstLine: nextLine, lineCount: 1, inputBytes: partialBytes }
  }
}

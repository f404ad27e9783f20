/**
 * OCRA (RFC 6287) and Steam Guard records in verifyBatch, computed on the calling thread's kernel.
 *
 * OCRA records are grouped by suite, each distinct suite parsed once per batch. A group's records
 * become rows of one message layout (Kernel.macBatch): the suite's bytes and the question field's
 * zero tail are the template, and each row carries only the bytes an input can change (a QN08 row
 * is 7 bytes, not the 128 of its question field), one row per counter and time step of the record's
 * window. Rows go to the kernel in chunks, so that a large batch holds a chunk's rows only.
 * Suites that return the whole HMAC (t = 0) are checked one record at a time with Kernel.macWindow.
 */
import { OtpError, describe } from '../core/errors.js'
import type { Kernel, MessageBatch } from '../core/kernel.js'
import { mutualInput, ocraApi, ocraCodeValue, ocraWindow, type MutualRole, type VerifyMutualOcraInput } from '../core/ocra/ocra.js'
import { checkOcraInput, ocraFieldsRange, ocraPrefix, writeOcraFields, type VerifyOcraInput } from '../core/ocra/message.js'
import { parseOcraSuite, type OcraSuite } from '../core/ocra/suite.js'
import { singleCodeApi, type SingleCodeApi } from '../core/otp.js'
import { toKey, type Secret } from '../core/secret.js'
import { equalMask, POWERS_OF_TEN } from '../core/truncate.js'

/**
 * An OCRA record: `code` checked as verifyOcra(suite, secret, code, rest of the record) checks it;
 * or, with `mutual` and both questions instead of `question`, as verifyOcraServerResponse ('server')
 * or verifyOcraClientResponse ('client') check it (RFC 6287 section 7.3).
 */
export type OcraVerifyRecord = { suite: string; secret: Secret; code: string } & (
  VerifyOcraInput | (VerifyMutualOcraInput & { mutual: MutualRole })
)

/** A Steam Guard record: `code` checked as verifyTotp(secret, code, { encoding: 'steam', ... }) checks it. */
export interface SteamVerifyRecord {
  secret: Secret
  code: string
  encoding: 'steam'
  time?: number
  period?: number
  t0?: number
  window?: number
}

/**
 * Whether a record is one that the calling thread's kernel verifies: an OCRA or a Steam Guard record.
 * A record that throws when asked (a Proxy) goes there too, where it gets its own INVALID_RECORD
 * instead of failing the whole batch.
 */
export function isKernelSideRecord(record: unknown): boolean {
  try {
    return record !== null && typeof record === 'object' && ('suite' in record || 'encoding' in record)
  } catch {
    return true
  }
}

type Result = number | null | OtpError

/** Rows per kernel call: a chunk's patches stay small whatever the batch's size. */
const CHUNK_ROWS = 16384

/**
 * Keys whose bytes are touched in one tight pass before they are copied. Keys given as separate
 * arrays sit anywhere in memory: a loop that only touches them has many of their cache misses in
 * flight at once, where the copy loop, longer per key, would wait for them one or two at a time.
 */
const GATHER = 512

/** Growable columns of one chunk of rows (a MessageBatch under construction), reused between chunks. */
class Rows {
  count = 0
  patches: Uint8Array
  keyBytes = new Uint8Array(1 << 16)
  keyOffsets = new Uint32Array(CHUNK_ROWS + 1)
  keyAlgorithms = new Uint8Array(CHUNK_ROWS)
  keyIndex = new Uint32Array(CHUNK_ROWS)
  /** The keys of the chunk, as given: copied into keyBytes by gather() just before the chunk runs. */
  keyRefs: (Uint8Array | undefined)[] = []
  keys = 0
  out = new Uint32Array(CHUNK_ROWS)
  touched = 0

  constructor(readonly patchLength: number) {
    this.patches = new Uint8Array(CHUNK_ROWS * patchLength)
  }

  /** Takes a key (checked) for the chunk; its bytes are copied by gather(). */
  addKey(key: Uint8Array, alg: number): number {
    const at = this.keyOffsets[this.keys]!
    this.keyRefs[this.keys] = key
    this.keyAlgorithms[this.keys] = alg
    this.keyOffsets[++this.keys] = at + key.length
    return this.keys - 1
  }

  /** Copies the chunk's keys into keyBytes, GATHER keys at a time: first touched, then copied. */
  gather(): void {
    const { keyRefs, keyOffsets, keys } = this
    const total = keyOffsets[keys]!
    if (total > this.keyBytes.length) this.keyBytes = new Uint8Array(Math.max(2 * this.keyBytes.length, total))
    const bytes = this.keyBytes
    let touched = 0
    for (let first = 0; first < keys; first += GATHER) {
      const last = Math.min(keys, first + GATHER)
      for (let k = first; k < last; k++) touched |= keyRefs[k]![0]!
      for (let k = first; k < last; k++) {
        // set, even for 20 bytes: a byte loop measured a third slower over a million keys.
        bytes.set(keyRefs[k]!, keyOffsets[k]!)
        keyRefs[k] = undefined
      }
    }
    // Kept, so that the touching loop is not optimized away (an OR of key bytes: it tells nothing).
    this.touched = touched
  }

  /** Room for `n` more rows; false when the chunk must be run first. */
  fits(n: number): boolean {
    return this.count + n <= CHUNK_ROWS
  }

  /** Wipes and empties the chunk. */
  reset(): void {
    this.patches.fill(0, 0, this.count * this.patchLength)
    this.keyBytes.fill(0, 0, this.keyOffsets[this.keys])
    for (let k = 0; k < this.keys; k++) this.keyRefs[k] = undefined
    this.count = 0
    this.keys = 0
  }
}

/**
 * Verifies the OCRA records at `order[from .. to)` of `records`, writing each result at its index in
 * `out`. A bad record gets its own OtpError.
 */
function verifyOcraGroup(
  kernel: Kernel,
  suite: OcraSuite,
  records: readonly unknown[],
  order: ArrayLike<number>,
  from: number,
  to: number,
  out: Result[],
): void {
  const api = ocraApi(kernel)
  if (suite.digits === 0) {
    for (let o = from; o < to; o++) {
      const i = order[o]!
      const { suite: text, secret, code, mutual, ...input } = records[i] as OcraVerifyRecord & { mutual?: MutualRole }
      try {
        out[i] =
          mutual === 'server'
            ? api.verifyOcraServerResponse(text, secret, code, input as VerifyMutualOcraInput)
            : mutual === 'client'
              ? api.verifyOcraClientResponse(text, secret, code, input as VerifyMutualOcraInput)
              : api.verifyOcra(text, secret, code, input as VerifyOcraInput)
      } catch (error) {
        out[i] = asError(error, i)
      }
    }
    return
  }
  // Rows carry only the bytes an input can change (a mutual question may be twice the suite's
  // length); the suite, its 0x00 and the question field's zero tail are the template's.
  const { at: patchAt, end: patchEnd } = ocraFieldsRange(suite, 2 * suite.question.length)
  const patchLength = patchEnd - patchAt
  const template = new Uint8Array(suite.layout.length)
  ocraPrefix(suite, template)
  const rows = new Rows(patchLength)
  // Per record placed in the chunk: its index, first row, row count and code; per row: its delta.
  const placedIndex = new Uint32Array(CHUNK_ROWS)
  const placedFirst = new Uint32Array(CHUNK_ROWS)
  const placedRows = new Uint32Array(CHUNK_ROWS)
  const placedCode = new Uint32Array(CHUNK_ROWS)
  const rowDelta = new Int32Array(CHUNK_ROWS)
  let placed = 0
  const modulus = POWERS_OF_TEN[suite.digits]!
  // Consecutive records of one secret share a key, within a chunk.
  let lastSecret: unknown
  let lastKey = -1
  const run = (): void => {
    lastKey = -1
    if (rows.count === 0) return
    try {
      rows.gather()
      const batch: MessageBatch = {
        count: rows.count,
        keyBytes: rows.keyBytes,
        keyOffsets: rows.keyOffsets.subarray(0, rows.keys + 1),
        keyAlgorithms: rows.keyAlgorithms.subarray(0, rows.keys),
        keyIndex: rows.keyIndex.subarray(0, rows.count),
        template,
        patchAt,
        patchLength,
        patches: rows.patches.subarray(0, rows.count * patchLength),
      }
      kernel.macBatch(batch, rows.out)
      for (let p = 0; p < placed; p++) {
        // Every row is compared; rows run from the least preferred candidate to the most.
        const first = placedFirst[p]!
        const code = placedCode[p]!
        let found = -1
        let hit = 0
        for (let r = first, end = first + placedRows[p]!; r < end; r++) {
          const match = equalMask(rows.out[r]! % modulus, code)
          found = (found & ~match) | (r & match)
          hit |= match
        }
        out[placedIndex[p]!] = hit ? rowDelta[found]! : null
      }
    } catch (error) {
      // The kernel failed on the chunk (a trap; a JS kernel without @noble/hashes): each record
      // placed in it gets the failure as its result, none is lost, and later chunks still run.
      const failure = kernelFailure(error)
      for (let p = 0; p < placed; p++) out[placedIndex[p]!] = failure
    } finally {
      rows.out.fill(0, 0, rows.count)
      rows.reset()
      placed = 0
    }
  }
  const base = new Uint8Array(patchLength)
  const counterField = suite.layout.counterAt - patchAt
  const timeField = suite.layout.timeAt - patchAt
  // A suite without C and T has one candidate per record; ocraWindow still refuses window options given to it.
  const fixed = !suite.counter && suite.time === undefined
  for (let o = from; o < to; o++) {
    const i = order[o]!
    const record = records[i] as OcraVerifyRecord & { mutual?: unknown }
    try {
      // The record is the input: the checks and the layout read its fields by name.
      checkOcraInput(record, 'verifyBatch')
      const { secret, code, mutual } = record
      if (mutual !== undefined && mutual !== 'server' && mutual !== 'client') {
        throw new OtpError('INVALID_RECORD', `record ${i}: mutual must be 'server' or 'client', got ${describe(mutual)}`)
      }
      let input = record as VerifyOcraInput
      let max: number | undefined
      if (mutual) ({ input, max } = mutualInput(suite, record as unknown as VerifyMutualOcraInput, mutual, 'verifyBatch'))
      const value = ocraCodeValue(suite, code)
      if (fixed && input.counterWindow === undefined && input.timeWindow === undefined) {
        // One row: its fields go straight to their place in the chunk, which is wiped again if the record fails.
        if (!rows.fits(1)) run()
        const at = rows.count * patchLength
        try {
          writeOcraFields(suite, input, rows.patches, patchAt - at, max)
          if (value < 0) {
            out[i] = null
          } else {
            const key = secret === lastSecret && lastKey >= 0 ? lastKey : rows.addKey(toKey(secret), suite.alg)
            lastSecret = secret
            lastKey = key
            const row = rows.count++
            rows.keyIndex[row] = key
            rowDelta[row] = 0
            placedIndex[placed] = i
            placedFirst[placed] = row
            placedRows[placed] = 1
            placedCode[placed++] = value
            continue
          }
        } catch (error) {
          rows.patches.fill(0, at, at + patchLength)
          throw error
        }
        rows.patches.fill(0, at, at + patchLength)
        continue
      }
      // The record's own fields once; its window's candidates are copies with C and T patched.
      const fields = writeOcraFields(suite, input, base, patchAt, max)
      const window = ocraWindow(suite, { bytes: base, counter: fields.counter, step: fields.step }, input)
      if (value < 0) {
        out[i] = null
        continue
      }
      const { ahead, behind, timeAhead } = window
      const candidates = (ahead + 1) * (behind + timeAhead + 1)
      if (!rows.fits(candidates)) run()
      if (!rows.fits(candidates))
        throw new OtpError('INVALID_WINDOW', `record ${i}: its window has ${candidates} candidates, at most ${CHUNK_ROWS} in a batch`)
      const key = secret === lastSecret && lastKey >= 0 ? lastKey : rows.addKey(toKey(secret), suite.alg)
      lastSecret = secret
      lastKey = key
      placedIndex[placed] = i
      placedFirst[placed] = rows.count
      placedRows[placed] = candidates
      placedCode[placed++] = value
      for (let c = ahead; c >= 0; c--) {
        for (let m = Math.max(behind, timeAhead); m >= 0; m--) {
          // +m before -m, and 0 last: least preferred first.
          for (let side = 1; side >= -1; side -= 2) {
            const t = m * side
            if ((m === 0 && side < 0) || t > timeAhead || -t > behind) continue
            const row = rows.count++
            const at = row * patchLength
            rows.patches.set(base, at)
            if (c !== 0) addAt(rows.patches, at + counterField, c)
            if (t !== 0) addAt(rows.patches, at + timeField, t)
            rows.keyIndex[row] = key
            rowDelta[row] = suite.counter ? c : suite.time ? t : 0
          }
        }
      }
    } catch (error) {
      out[i] = asError(error, i)
    } finally {
      base.fill(0)
    }
  }
  run()
}

/** Adds a small signed delta to the 8-byte big-endian value at `at`, carrying through all bytes. */
function addAt(bytes: Uint8Array, at: number, delta: number): void {
  let carry = delta
  for (let b = at + 7; b >= at && carry !== 0; b--) {
    const sum = bytes[b]! + carry
    bytes[b] = sum & 0xff
    carry = Math.floor(sum / 256)
  }
}

/** What the records of a chunk get when the kernel fails on it: its OtpError, or INTERNAL naming the kind of failure. */
function kernelFailure(error: unknown): OtpError {
  if (error instanceof OtpError) return error
  const kind = error instanceof Error ? error.name : typeof error
  return new OtpError('INTERNAL', `the kernel failed on a chunk of OCRA records (${kind})`, { cause: error })
}

/** A record's own OtpError, or INVALID_RECORD for what reading it threw (named, never quoted: it may hold a secret). */
function asError(error: unknown, index: number): OtpError {
  if (error instanceof OtpError) return error
  return new OtpError('INVALID_RECORD', `record ${index} could not be read (${error instanceof Error ? error.name : typeof error})`)
}

/**
 * Verifies the OCRA and Steam Guard records at `indexes[0 .. count)` of `records` on `kernel`,
 * writing each result at its index in `out`: OCRA records grouped by suite (each suite parsed once),
 * Steam Guard records one by one.
 */
export function verifyKernelSideRecords(
  kernel: Kernel,
  records: readonly unknown[],
  indexes: ArrayLike<number>,
  out: Result[],
  count = indexes.length,
): void {
  // Each record's group (its suite's number, or -1), then the OCRA records in one array by group.
  const suites: unknown[] = []
  const numbers = new Map<unknown, number>()
  const groupOf = new Int32Array(count)
  let single: SingleCodeApi | undefined
  let lastText: unknown
  let lastGroup = -1
  for (let n = 0; n < count; n++) {
    const i = indexes[n]!
    const record = records[i] as Record<string, unknown>
    groupOf[n] = -1
    try {
      if ('suite' in record) {
        const text = record.suite
        if (text !== lastText || lastGroup < 0) {
          lastGroup = numbers.get(text) ?? -1
          if (lastGroup < 0) numbers.set(text, (lastGroup = suites.push(text) - 1))
          lastText = text
        }
        groupOf[n] = lastGroup
        continue
      }
      const { secret, code, ...options } = record as unknown as SteamVerifyRecord
      out[i] = (single ??= singleCodeApi(kernel)).verifyTotp(secret, code, options)
    } catch (error) {
      out[i] = asError(error, i)
    }
  }
  if (suites.length === 0) return
  const starts = new Uint32Array(suites.length + 1)
  for (let n = 0; n < count; n++) if (groupOf[n]! >= 0) starts[groupOf[n]! + 1]++
  for (let g = 0; g < suites.length; g++) starts[g + 1] += starts[g]!
  const order = new Uint32Array(starts[suites.length]!)
  const fill = starts.slice(0, suites.length)
  for (let n = 0; n < count; n++) if (groupOf[n]! >= 0) order[fill[groupOf[n]!]!++] = indexes[n]!
  for (let g = 0; g < suites.length; g++) {
    let suite: OcraSuite
    try {
      suite = parseOcraSuite(suites[g] as string)
    } catch (error) {
      for (let o = starts[g]!; o < starts[g + 1]!; o++) out[order[o]!] = asError(error, order[o]!)
      continue
    }
    verifyOcraGroup(kernel, suite, records, order, starts[g]!, starts[g + 1]!, out)
  }
}

/**
 * OCRA (RFC 6287) and Steam Guard records in verifyBatch, computed on the calling thread's kernel.
 *
 * OCRA records are grouped by suite, each distinct suite parsed once per batch. A group's records
 * become rows of one message layout (Kernel.macBatch): the suite's bytes are the template, and each
 * row carries only the fields after them (C, Q, P, S, T), one row per counter and time step of the
 * record's window. Rows go to the kernel in chunks, so that a large batch holds a chunk's rows only.
 * Suites that return the whole HMAC (t = 0) are checked one record at a time with Kernel.macWindow.
 */
import { OtpError, describe } from '../core/errors.js'
import type { Kernel, MessageBatch } from '../core/kernel.js'
import { mutualInput, ocraApi, ocraWindow, type MutualRole, type VerifyMutualOcraInput } from '../core/ocra/ocra.js'
import { checkOcraInput, ocraPrefix, writeOcraFields, type VerifyOcraInput } from '../core/ocra/message.js'
import { parseOcraSuite, type OcraSuite } from '../core/ocra/suite.js'
import { singleCodeApi } from '../core/otp.js'
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

/** Rows per kernel call: a chunk's patches stay a few MB whatever the batch's size. */
const CHUNK_ROWS = 16384

/** Growable columns of one chunk of rows (a MessageBatch under construction), reused between chunks. */
class Rows {
  count = 0
  patches: Uint8Array
  keyBytes = new Uint8Array(1 << 16)
  keyOffsets = new Uint32Array(CHUNK_ROWS + 1)
  keyAlgorithms = new Uint8Array(CHUNK_ROWS)
  keyIndex = new Uint32Array(CHUNK_ROWS)
  keys = 0
  out = new Uint32Array(CHUNK_ROWS)

  constructor(readonly patchLength: number) {
    this.patches = new Uint8Array(CHUNK_ROWS * patchLength)
  }

  addKey(key: Uint8Array, alg: number): number {
    const at = this.keyOffsets[this.keys]!
    if (at + key.length > this.keyBytes.length) {
      const grown = new Uint8Array(Math.max(2 * this.keyBytes.length, at + key.length))
      grown.set(this.keyBytes.subarray(0, at))
      this.keyBytes = grown
    }
    // A loop for short keys: a typed-array set costs more than copying 20 bytes.
    if (key.length <= 64) for (let b = 0; b < key.length; b++) this.keyBytes[at + b] = key[b]!
    else this.keyBytes.set(key, at)
    this.keyAlgorithms[this.keys] = alg
    this.keyOffsets[++this.keys] = at + key.length
    return this.keys - 1
  }

  /** Room for `n` more rows; false when the chunk must be run first. */
  fits(n: number): boolean {
    return this.count + n <= CHUNK_ROWS
  }

  /** Wipes and empties the chunk. */
  reset(): void {
    this.patches.fill(0, 0, this.count * this.patchLength)
    this.keyBytes.fill(0, 0, this.keyOffsets[this.keys])
    this.count = 0
    this.keys = 0
  }
}

/**
 * Verifies the OCRA records at `indexes` of `records`, writing each result at its index in `out`.
 * A bad record gets its own OtpError.
 */
function verifyOcraGroup(kernel: Kernel, suite: OcraSuite, records: readonly unknown[], indexes: number[], out: Result[]): void {
  const api = ocraApi(kernel)
  if (suite.digits === 0) {
    for (const i of indexes) {
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
  const prefix = ocraPrefix(suite)
  const patchLength = suite.layout.length - prefix.length
  const template = new Uint8Array(suite.layout.length)
  template.set(prefix)
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
    const batch: MessageBatch = {
      count: rows.count,
      keyBytes: rows.keyBytes,
      keyOffsets: rows.keyOffsets.subarray(0, rows.keys + 1),
      keyAlgorithms: rows.keyAlgorithms.subarray(0, rows.keys),
      keyIndex: rows.keyIndex.subarray(0, rows.count),
      template,
      patchAt: prefix.length,
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
    rows.out.fill(0, 0, rows.count)
    rows.reset()
    placed = 0
  }
  const base = new Uint8Array(patchLength)
  const counterField = suite.layout.counterAt - prefix.length
  const timeField = suite.layout.timeAt - prefix.length
  for (const i of indexes) {
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
      const value = checkCode(suite, code)
      // A suite without C and T has one candidate; ocraWindow still refuses window options given to it.
      const windowed = suite.counter || suite.time !== undefined || input.counterWindow !== undefined || input.timeWindow !== undefined
      if (!windowed) {
        // One row: its fields go straight to their place in the chunk, which is wiped again if the record fails.
        if (!rows.fits(1)) run()
        const at = rows.count * patchLength
        try {
          writeOcraFields(suite, input, rows.patches, prefix.length - at, max)
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
      const fields = writeOcraFields(suite, input, base, prefix.length, max)
      const window = windowed ? ocraWindow(suite, { bytes: base, counter: fields.counter, step: fields.step }, input) : undefined
      if (value < 0) {
        out[i] = null
        continue
      }
      const ahead = window?.ahead ?? 0
      const behind = window?.behind ?? 0
      const timeAhead = window?.timeAhead ?? 0
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

/** The code as an integer, or -1 when it can never match. */
function checkCode(suite: OcraSuite, code: unknown): number {
  if (typeof code !== 'string') throw new OtpError('INVALID_CODE', `code must be a string of ${suite.digits} digits, got ${describe(code)}`)
  return code.length === suite.digits && /^[0-9]+$/.test(code) ? Number(code) : -1
}

/** A record's own OtpError, or INVALID_RECORD for what reading it threw (named, never quoted: it may hold a secret). */
function asError(error: unknown, index: number): OtpError {
  if (error instanceof OtpError) return error
  return new OtpError('INVALID_RECORD', `record ${index} could not be read (${error instanceof Error ? error.name : typeof error})`)
}

/**
 * Verifies the OCRA and Steam Guard records at `indexes` of `records` on `kernel`, writing each
 * result at its index in `out`: OCRA records grouped by suite (each suite parsed once), Steam Guard
 * records one by one.
 */
export function verifyKernelSideRecords(kernel: Kernel, records: readonly unknown[], indexes: readonly number[], out: Result[]): void {
  const bySuite = new Map<unknown, number[]>()
  const single = singleCodeApi(kernel)
  for (const i of indexes) {
    const record = records[i] as Record<string, unknown>
    try {
      if ('suite' in record) {
        const text = record.suite
        let group = bySuite.get(text)
        if (group === undefined) bySuite.set(text, (group = []))
        group.push(i)
        continue
      }
      const { secret, code, ...options } = record as unknown as SteamVerifyRecord
      out[i] = single.verifyTotp(secret, code, options)
    } catch (error) {
      out[i] = asError(error, i)
    }
  }
  for (const [text, group] of bySuite) {
    let suite: OcraSuite
    try {
      suite = parseOcraSuite(text as string)
    } catch (error) {
      for (const i of group) out[i] = asError(error, i)
      continue
    }
    verifyOcraGroup(kernel, suite, records, group, out)
  }
}

/**
 * Batches of plain records, group by group: the calling thread packs group k + 1 while the executor
 * computes group k, and each group's results land at the group's place. Packing a 1,000,000-record
 * batch whole before computing any of it would keep every worker idle meanwhile.
 */
import type { OtpError } from '../errors.js'
import type { BatchBuilder, PreparedBatch } from '../batch/columns.js'
import { packGenerateRecords, packVerifyRecords, type GenerateRecord, type RecordRange, type VerifyRecord } from '../batch/records.js'
import {
  INVALID_STATUS,
  generateResults,
  generateRows,
  verifyResults,
  verifyRows,
  type GenerateColumnsResult,
  type VerifyColumnsResult,
} from '../batch/run.js'
import type { Cancel } from './abort.js'
import type { Executor, Rows } from './executor.js'
import { forEachLimited } from './flight.js'

/** Records per group: 32,768 window-1 TOTP records are two shards (SHARD_WORK each). */
export const GROUP_RECORDS = 32768

/** Marks the records of rows no worker could compute with their OtpError('WORKER_FAILED'). */
function withFailures<T extends VerifyColumnsResult | GenerateColumnsResult>(result: T, prepared: PreparedBatch, rows: Rows): T {
  if (rows.failed.length === 0) return result
  const errors = new Map(result.errors)
  const values = 'delta' in result ? result.delta : result.codes
  for (const { start, end, error } of rows.failed) {
    for (let r = start; r < end; r++) {
      const record = prepared.rowRecord ? prepared.rowRecord[r]! : r
      result.status[record] = INVALID_STATUS
      values[record] = 0
      errors.set(record, error)
    }
  }
  return { ...result, errors }
}

/** Verifies a built batch on the executor: the columnar result. */
export async function verifyBuilt(executor: Executor, prepared: PreparedBatch, cancel?: Cancel): Promise<VerifyColumnsResult> {
  const rows = await executor.rows('verify', prepared.packed, cancel)
  return withFailures(verifyRows(prepared, rows.values as Int32Array), prepared, rows)
}

/** Generates a built batch on the executor: the columnar result. */
export async function generateBuilt(executor: Executor, prepared: PreparedBatch, cancel?: Cancel): Promise<GenerateColumnsResult> {
  const rows = await executor.rows('generate', prepared.packed, cancel)
  return withFailures(generateRows(prepared, rows.values as Uint32Array), prepared, rows)
}

/**
 * Builders kept between the groups of one call (or stream): a group's builder is emptied and taken
 * by a later group, so that a large batch does not allocate columns per group. Allocations outside
 * the JS heap still count towards its collections, which a large heap makes slow.
 */
export class BuilderShelf {
  private readonly kept: BatchBuilder[] = []

  /** Packs with a kept builder (or a new one), runs `run` on the result, then empties the builder and keeps it. */
  async use<R>(pack: (into: BatchBuilder | undefined) => BatchBuilder, run: (prepared: PreparedBatch) => Promise<R>): Promise<R> {
    const builder = pack(this.kept.pop())
    try {
      return await run(builder.build())
    } finally {
      builder.reset()
      this.kept.push(builder)
    }
  }
}

/** Verifies a range of records, writing each result at the record's place in `out`. */
export function verifyGroup(
  executor: Executor,
  range: RecordRange<VerifyRecord>,
  out: Array<number | null | OtpError>,
  shelf: BuilderShelf,
  cancel?: Cancel,
): Promise<void> {
  return shelf.use(
    (into) => packVerifyRecords(range, into),
    async (prepared) => verifyResults(await verifyBuilt(executor, prepared, cancel), out, range.start),
  )
}

/** Generates a range of records, writing each code at the record's place in `out`. */
function generateGroup(
  executor: Executor,
  range: RecordRange<GenerateRecord>,
  out: Array<string | OtpError>,
  shelf: BuilderShelf,
  cancel?: Cancel,
): Promise<void> {
  return shelf.use(
    (into) => packGenerateRecords(range, into),
    async (prepared) => generateResults(await generateBuilt(executor, prepared, cancel), prepared, out, range.start),
  )
}

/**
 * Runs `group` over consecutive ranges of `records`, a few at once, each writing its results at
 * their places in one array. Ranges, not copies: a group costs no array of its own.
 */
async function inGroups<T, R>(
  records: readonly T[],
  limit: number,
  group: (range: RecordRange<T>, out: R[], shelf: BuilderShelf) => Promise<void>,
): Promise<R[]> {
  const out = new Array<R>(records.length)
  const shelf = new BuilderShelf()
  const groups = Math.ceil(records.length / GROUP_RECORDS)
  await forEachLimited(groups, limit, (g) => {
    const start = g * GROUP_RECORDS
    return group({ records, start, end: Math.min(records.length, start + GROUP_RECORDS), first: start }, out, shelf)
  })
  return out
}

/** verifyBatch over the executor: one result per record, in order. */
export function verifyRecords(executor: Executor, records: readonly VerifyRecord[], cancel?: Cancel): Promise<Array<number | null | OtpError>> {
  return inGroups(records, 2 * executor.threads, (range, out, shelf) => verifyGroup(executor, range, out, shelf, cancel))
}

/** generateBatch over the executor: one code per record, in order. */
export function generateRecords(executor: Executor, records: readonly GenerateRecord[], cancel?: Cancel): Promise<Array<string | OtpError>> {
  return inGroups(records, 2 * executor.threads, (range, out, shelf) => generateGroup(executor, range, out, shelf, cancel))
}

/**
 * Batches of plain records, group by group: the calling thread packs group k + 1 while the executor
 * computes group k, and each group's results land at the group's place. Packing a 1,000,000-record
 * batch whole before computing any of it would keep every worker idle meanwhile.
 */
import type { OtpError } from '../core/errors.js'
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

/**
 * Records per group at most: 16,384 window-1 TOTP records are one shard (SHARD_WORK). A group is
 * packed in one stretch of the calling thread (about 1.5 ms), so it answers the workers soon.
 */
export const GROUP_RECORDS = 16384

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

/** Verifies a built batch on the executor (cut for `spread` workers, see Executor.rows): the columnar result. */
export async function verifyBuilt(executor: Executor, prepared: PreparedBatch, cancel?: Cancel, spread?: number): Promise<VerifyColumnsResult> {
  const rows = await executor.rows('verify', prepared.packed, cancel, spread)
  return withFailures(verifyRows(prepared, rows.values as Int32Array), prepared, rows)
}

/** Generates a built batch on the executor (cut for `spread` workers): the columnar result. */
export async function generateBuilt(executor: Executor, prepared: PreparedBatch, cancel?: Cancel, spread?: number): Promise<GenerateColumnsResult> {
  const rows = await executor.rows('generate', prepared.packed, cancel, spread)
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

/** What the groups of one call (or stream) share. */
export interface Groups {
  readonly executor: Executor
  readonly shelf: BuilderShelf
  /** Workers each group is cut for (see Executor.rows): fewer when other groups are in flight. */
  readonly spread: number
  readonly cancel?: Cancel
}

/**
 * Verifies a range of records, writing each result at the record's place in `out()`: asked for
 * only once the results are in, so that a call's array is not made before its first shards leave.
 */
export function verifyGroup(groups: Groups, range: RecordRange<VerifyRecord>, out: () => Array<number | null | OtpError>): Promise<void> {
  const { executor, shelf, cancel, spread } = groups
  return shelf.use(
    (into) => packVerifyRecords(range, into),
    async (prepared) => verifyResults(await verifyBuilt(executor, prepared, cancel, spread), out(), range.start),
  )
}

/** Generates a range of records, writing each code at the record's place in `out()`. */
function generateGroup(groups: Groups, range: RecordRange<GenerateRecord>, out: () => Array<string | OtpError>): Promise<void> {
  const { executor, shelf, cancel, spread } = groups
  return shelf.use(
    (into) => packGenerateRecords(range, into),
    async (prepared) => generateResults(await generateBuilt(executor, prepared, cancel, spread), prepared, out(), range.start),
  )
}

/**
 * Groups in flight per thread: one running and one waiting in each worker, and one more being packed
 * or having its results read. With two, a worker that shares its core with the calling thread
 * would often find nothing waiting when it finishes.
 */
export const GROUPS_PER_THREAD = 3

/**
 * Runs `group` over consecutive ranges of `records` of about equal size, a few at once, each
 * writing its results at their places in one array. Ranges, not copies: a group costs no array of
 * its own.
 */
async function inGroups<T, R>(
  executor: Executor,
  records: readonly T[],
  cancel: Cancel | undefined,
  group: (groups: Groups, range: RecordRange<T>, out: () => R[]) => Promise<void>,
): Promise<R[]> {
  const count = Math.ceil(records.length / GROUP_RECORDS)
  const size = Math.ceil(records.length / count)
  const limit = GROUPS_PER_THREAD * executor.threads
  const groups: Groups = { executor, shelf: new BuilderShelf(), cancel, spread: Math.ceil(executor.threads / Math.min(count, limit)) }
  // A million-entry array takes milliseconds to make: the first groups are packed and sent first.
  let out: R[] | undefined
  const results = () => (out ??= new Array<R>(records.length))
  await forEachLimited(count, limit, (g) => {
    const start = g * size
    return group(groups, { records, start, end: Math.min(records.length, start + size), first: start }, results)
  })
  return results()
}

/** verifyBatch over the executor: one result per record, in order. */
export function verifyRecords(executor: Executor, records: readonly VerifyRecord[], cancel?: Cancel): Promise<Array<number | null | OtpError>> {
  return inGroups(executor, records, cancel, verifyGroup)
}

/** generateBatch over the executor: one code per record, in order. */
export function generateRecords(executor: Executor, records: readonly GenerateRecord[], cancel?: Cancel): Promise<Array<string | OtpError>> {
  return inGroups(executor, records, cancel, generateGroup)
}

/**
 * Batches of plain records, group by group: the calling thread packs group k + 1 while the executor
 * computes group k, and each group's results land at the group's place. Packing a 1,000,000-record
 * batch whole before computing any of it would keep every worker idle meanwhile.
 */
import type { OtpError } from '../core/errors.js'
import { BatchBuilder, type PreparedBatch } from '../batch/columns.js'
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
export async function verifyBuilt(
  executor: Executor,
  prepared: PreparedBatch,
  cancel?: Cancel,
  spread?: number,
): Promise<VerifyColumnsResult> {
  const rows = await executor.rows('verify', prepared.packed, cancel, spread)
  return withFailures(verifyRows(prepared, rows.values as Int32Array), prepared, rows)
}

/** Generates a built batch on the executor (cut for `spread` workers): the columnar result. */
export async function generateBuilt(
  executor: Executor,
  prepared: PreparedBatch,
  cancel?: Cancel,
  spread?: number,
): Promise<GenerateColumnsResult> {
  const rows = await executor.rows('generate', prepared.packed, cancel, spread)
  return withFailures(generateRows(prepared, rows.values as Uint32Array), prepared, rows)
}

/**
 * Builders kept between the shards of one stream: a shard's builder is emptied (its keys wiped) and
 * taken by a later shard, so that a long stream does not allocate columns per shard. Allocations
 * outside the JS heap still count towards its collections, which a large heap makes slow.
 */
export class BuilderShelf {
  private readonly kept: BatchBuilder[] = []

  /** A kept builder, or a new one sized for `records`. */
  take(records: number): BatchBuilder {
    return this.kept.pop() ?? new BatchBuilder({ records, keys: Math.min(records, 65_536) })
  }

  /** Empties a builder (wiping its key bytes) and keeps it. */
  give(builder: BatchBuilder): void {
    builder.reset()
    this.kept.push(builder)
  }
}

/** What the groups of one call (or stream) share. */
export interface Groups {
  readonly executor: Executor
  /** Workers each group is cut for (see Executor.rows): fewer when other groups are in flight. */
  readonly spread: number
  readonly cancel?: Cancel
}

/**
 * Verifies a packed group, writing each record's result at `at` + its place in `out()`: asked for
 * only once the results are in, so that a call's array is not made before its first shards leave.
 */
export async function verifyPacked(
  groups: Groups,
  builder: BatchBuilder,
  at: number,
  out: () => Array<number | null | OtpError>,
): Promise<void> {
  const { executor, cancel, spread } = groups
  verifyResults(await verifyBuilt(executor, builder.build(), cancel, spread), out(), at)
}

/** Generates a packed group, writing each record's code at `at` + its place in `out()`. */
async function generatePacked(groups: Groups, builder: BatchBuilder, at: number, out: () => Array<string | OtpError>): Promise<void> {
  const { executor, cancel, spread } = groups
  const prepared = builder.build()
  generateResults(await generateBuilt(executor, prepared, cancel, spread), prepared, out(), at)
}

/**
 * Groups in flight per thread: one running and one waiting in each worker, and one more being packed
 * or having its results read. With two, a worker that shares its core with the calling thread
 * would often find nothing waiting when it finishes.
 */
export const GROUPS_PER_THREAD = 3

/**
 * Runs `run` over consecutive ranges of `records` of about equal size, a few at once, each writing
 * its results at their places in one array.
 *
 * Every record is read at the call, before it returns: the first groups are packed and started,
 * and the others packed while the executor computes those, all in the caller's turn, so that a
 * record changed after the call (or a buffer refilled) changes no result. Each group's builder is
 * wiped once its results are in.
 */
async function inGroups<T, R>(
  executor: Executor,
  records: readonly T[],
  cancel: Cancel | undefined,
  pack: (range: RecordRange<T>) => BatchBuilder,
  run: (groups: Groups, builder: BatchBuilder, at: number, out: () => R[]) => Promise<void>,
): Promise<R[]> {
  const length = records.length
  const count = Math.ceil(length / GROUP_RECORDS)
  const size = Math.ceil(length / count)
  const limit = GROUPS_PER_THREAD * executor.threads
  const groups: Groups = { executor, cancel, spread: Math.ceil(executor.threads / Math.min(count, limit)) }
  const builders: Array<BatchBuilder | undefined> = new Array(count)
  const packGroup = (g: number): void => {
    const start = g * size
    builders[g] = pack({ records, start, end: Math.min(length, start + size), first: start })
  }
  // A million-entry array takes milliseconds to make: the first groups are packed and sent first.
  let out: R[] | undefined
  const results = () => (out ??= new Array<R>(length))
  const first = Math.min(count, limit)
  for (let g = 0; g < first; g++) packGroup(g)
  try {
    const done = forEachLimited(count, limit, async (g) => {
      const builder = builders[g]!
      try {
        await run(groups, builder, g * size, results)
      } finally {
        builder.wipe()
        builders[g] = undefined
      }
    })
    // forEachLimited starts no group past the first ones before this turn ends.
    for (let g = first; g < count; g++) packGroup(g)
    await done
  } finally {
    for (const builder of builders) builder?.wipe()
  }
  return results()
}

/** verifyBatch over the executor: one result per record, in order. */
export function verifyRecords(
  executor: Executor,
  records: readonly VerifyRecord[],
  cancel?: Cancel,
): Promise<Array<number | null | OtpError>> {
  return inGroups(executor, records, cancel, (range) => packVerifyRecords(range), verifyPacked)
}

/** generateBatch over the executor: one code per record, in order. */
export function generateRecords(
  executor: Executor,
  records: readonly GenerateRecord[],
  cancel?: Cancel,
): Promise<Array<string | OtpError>> {
  return inGroups(executor, records, cancel, (range) => packGenerateRecords(range), generatePacked)
}

/**
 * Batches of plain records, group by group: the calling thread packs group k + 1 while the executor
 * computes group k, and each group's results land at the group's place. Packing a 1,000,000-record
 * batch whole before computing any of it would keep every worker idle meanwhile.
 */
import type { OtpError } from '../errors.js'
import type { BatchBuilder, PreparedBatch } from '../batch/columns.js'
import { packGenerateRecords, packVerifyRecords, type GenerateRecord, type VerifyRecord } from '../batch/records.js'
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
import { inOrder } from './flight.js'

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

async function packed<R>(pack: () => BatchBuilder, run: (prepared: PreparedBatch) => Promise<R>): Promise<R> {
  const builder = pack()
  try {
    return await run(builder.build())
  } finally {
    builder.wipe()
  }
}

/** Verifies one group, the records `first ...` of a batch or stream. */
export function verifyGroup(
  executor: Executor,
  records: readonly VerifyRecord[],
  first: number,
  cancel?: Cancel,
): Promise<Array<number | null | OtpError>> {
  return packed(
    () => packVerifyRecords(records, first),
    async (prepared) => verifyResults(await verifyBuilt(executor, prepared, cancel)),
  )
}

/** Generates one group, the records `first ...` of a batch. */
function generateGroup(
  executor: Executor,
  records: readonly GenerateRecord[],
  first: number,
  cancel?: Cancel,
): Promise<Array<string | OtpError>> {
  return packed(
    () => packGenerateRecords(records, first),
    async (prepared) => generateResults(await generateBuilt(executor, prepared, cancel), prepared),
  )
}

/** Runs `group` over consecutive groups of `records`, a few at once, and gathers the results in order. */
async function inGroups<T, R>(
  records: readonly T[],
  limit: number,
  group: (part: readonly T[], first: number) => Promise<R[]>,
): Promise<R[]> {
  if (records.length <= GROUP_RECORDS) return group(records, 0)
  const out = new Array<R>(records.length)
  function* jobs(): Generator<() => Promise<R[]>> {
    for (let first = 0; first < records.length; first += GROUP_RECORDS) {
      yield () => group(records.slice(first, first + GROUP_RECORDS), first)
    }
  }
  let at = 0
  for await (const part of inOrder(jobs(), limit)) {
    for (let i = 0; i < part.length; i++) out[at + i] = part[i]!
    at += part.length
  }
  return out
}

/** verifyBatch over the executor: one result per record, in order. */
export function verifyRecords(executor: Executor, records: readonly VerifyRecord[], cancel?: Cancel): Promise<Array<number | null | OtpError>> {
  return inGroups(records, 2 * executor.threads, (part, first) => verifyGroup(executor, part, first, cancel))
}

/** generateBatch over the executor: one code per record, in order. */
export function generateRecords(executor: Executor, records: readonly GenerateRecord[], cancel?: Cancel): Promise<Array<string | OtpError>> {
  return inGroups(records, 2 * executor.threads, (part, first) => generateGroup(executor, part, first, cancel))
}

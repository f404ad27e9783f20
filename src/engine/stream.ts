/**
 * The streaming form of verifyBatch: records in from any (async) iterable, results out in order,
 * with a bounded number of shards in flight. The source is read only as fast as results are taken,
 * so a stream of any length runs in the memory of `maxInFlight + 1` shards.
 */
import { OtpError, describe } from '../core/errors.js'
import { verifyPacker, type RecordPacker, type VerifyRecord } from '../batch/records.js'
import { Cancel, checkSignal, type CallOptions } from './abort.js'
import { inOrder } from './flight.js'
import type { Executor } from './executor.js'
import { BuilderShelf, GROUP_RECORDS, GROUPS_PER_THREAD, verifyPacked, type Groups } from './groups.js'

/** Options of engine.verifyStream. */
export interface StreamOptions extends CallOptions {
  /** Records per shard, 1 to 1,048,576. Default 16,384. */
  shardSize?: number
  /** Shards in flight at most, 1 to 1024. Default three times the engine's threads. */
  maxInFlight?: number
}

interface StreamSettings {
  readonly shardSize: number
  readonly maxInFlight: number
  readonly signal: AbortSignal | undefined
}

const MAX_SHARD_SIZE = 1 << 20
const STREAM_OPTION_KEYS: readonly string[] = ['signal', 'shardSize', 'maxInFlight']
const MAX_IN_FLIGHT = 1024

function wholeNumber(value: unknown, fallback: number, max: number, what: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new OtpError('INVALID_OPTIONS', `verifyStream ${what} must be a whole number from 1 to ${max}, got ${describe(value)}`)
  }
  return value
}

/** Checks verifyStream's source and options. */
function checkStream(records: unknown, options: StreamOptions | undefined, threads: number): StreamSettings {
  const iterable = records !== null && typeof records === 'object' && (Symbol.asyncIterator in records || Symbol.iterator in records)
  if (!iterable) {
    throw new OtpError('INVALID_RECORD', `records must be an iterable or an async iterable of records, got ${describe(records)}`)
  }
  const signal = checkSignal(options, 'verifyStream', STREAM_OPTION_KEYS)
  return {
    shardSize: wholeNumber(options?.shardSize, GROUP_RECORDS, MAX_SHARD_SIZE, 'shardSize'),
    maxInFlight: wholeNumber(options?.maxInFlight, GROUPS_PER_THREAD * threads, MAX_IN_FLIGHT, 'maxInFlight'),
    signal,
  }
}

/** What a stream needs of its engine. */
export interface Lifecycle {
  /** Throws OtpError('ENGINE_CLOSED') once the engine is closed. */
  assertOpen(): void
  /** Runs `work` if the engine is open, and has close() wait for it. */
  track<T>(work: () => Promise<T>): Promise<T>
}

/**
 * Verifies the records of `source` shard by shard, each shard run through `engine.track`. Bad
 * options and a closed engine reject the first next(), as they reject any async call.
 */
export async function* verifyStreamOn(
  executor: Executor,
  source: Iterable<VerifyRecord> | AsyncIterable<VerifyRecord>,
  options: StreamOptions | undefined,
  engine: Lifecycle,
): AsyncGenerator<number | null | OtpError, void, undefined> {
  engine.assertOpen()
  const { shardSize, maxInFlight, signal } = checkStream(source, options, executor.threads)
  // The caller's signal, and the consumer stopping early, end the shards in flight.
  const cancel = new Cancel(signal)
  const groups: Groups = { executor, cancel, spread: Math.ceil(executor.threads / maxInFlight) }
  const shelf = new BuilderShelf()

  // Each record is packed when it is taken from the source, so that a source which refills one
  // object or Buffer for every record has each record read (and its secret copied) before the next.
  async function* shards(): AsyncGenerator<() => Promise<Array<number | null | OtpError>>> {
    let packer: RecordPacker<VerifyRecord> | undefined
    let first = 0
    const job = () => {
      const builder = packer!.builder
      packer = undefined
      first += builder.size
      return () =>
        engine.track(async () => {
          const out = new Array<number | null | OtpError>(builder.size)
          try {
            await verifyPacked(groups, builder, 0, () => out)
          } finally {
            shelf.give(builder)
          }
          return out
        })
    }
    for await (const record of source) {
      cancel.throwIfAborted()
      packer ??= verifyPacker(shelf.take(shardSize), false)
      packer.take(record, first + packer.builder.size)
      if (packer.builder.size === shardSize) yield job()
    }
    if (packer !== undefined && packer.builder.size > 0) yield job()
  }

  try {
    cancel.throwIfAborted()
    for await (const results of inOrder(shards(), maxInFlight)) yield* results
  } finally {
    cancel.abort()
    cancel.dispose()
  }
}

/**
 * Engines: the single-code API and the batch API bound to one kernel, in process or over an
 * executor. Platform-neutral: Node's pool and createEngine live in src/pool and src/create-engine.ts.
 */
import type { OtpError } from '../core/errors.js'
import type { Backend } from '../core/kernel.js'
import type { OcraApi } from '../core/ocra/ocra.js'
import type { OcraVerifyRecord, SteamVerifyRecord } from '../batch/ocra-records.js'
import type { ResyncOptions, SingleCodeApi } from '../core/otp.js'
import type { Secret } from '../core/secret.js'
import type { BatchBuilder } from '../batch/columns.js'
import type { GenerateRecord, VerifyRecord } from '../batch/records.js'
import type { GenerateColumnsResult, VerifyColumnsResult } from '../batch/run.js'
import type { CallOptions } from './abort.js'
import type { StreamOptions } from './stream.js'
import type { BackendChoice } from '../kernels/select.js'

export type { CallOptions } from './abort.js'
export type { StreamOptions } from './stream.js'

export interface EngineOptions {
  /** 'auto' (default): WASM, or JS where WASM cannot run. 'wasm' fails rather than fall back. */
  backend?: BackendChoice
  /**
   * Threads for batches and scans: 1 computes in the calling thread, with no pool; more start a
   * pool of that many worker threads. Default: the machine's available parallelism.
   */
  threads?: number
}

/**
 * An engine: single codes are computed in the calling thread, synchronously; resync scans and
 * batches return promises, since they may run on worker threads. Every async call takes an
 * AbortSignal: aborting stops its work (in the workers too) and rejects with OtpError('ABORTED').
 *
 * No call takes ownership of anything the caller passes: each reads its input once, at the call
 * (before it returns its promise), copies what it keeps, and never writes, wipes or transfers the
 * caller's memory (Buffers, views, shared arrays). A caller may change or reuse its inputs as soon
 * as a call returns; verifyStream reads each record when it takes it from the source. Options with
 * a key the call does not know throw OtpError('INVALID_OPTIONS').
 *
 * OCRA (RFC 6287) runs in the calling thread, as the module functions ocra and verifyOcra;
 * verifyBatch also takes OCRA records ({ suite, secret, code, question, ... }) and Steam Guard
 * records ({ secret, code, encoding: 'steam', ... }).
 */
export interface Engine extends Omit<SingleCodeApi, 'resyncHotp'>, Pick<OcraApi, 'ocra' | 'verifyOcra'> {
  /** The kernel computing the codes. */
  readonly backend: Backend
  /** 1 when everything runs in the calling thread, else the pool's worker threads. */
  readonly threads: number
  /**
   * See resyncHotp() of the module API. On a pool, a long look-ahead is scanned in counter ranges
   * across the workers; the answer is the same (the earliest match).
   */
  resyncHotp(secret: Secret, codes: string[], from: number | bigint, options?: ResyncOptions & CallOptions): Promise<number | bigint | null>
  /**
   * Verifies many records: one result per record, in order: the matched delta, null, or the
   * record's own OtpError (a bad record never fails the batch; a record lost twice to a failing
   * worker gets OtpError('WORKER_FAILED')). Each distinct secret is prepared once per shard.
   */
  verifyBatch(
    records: readonly (VerifyRecord | OcraVerifyRecord | SteamVerifyRecord)[],
    options?: CallOptions,
  ): Promise<Array<number | null | OtpError>>
  /** Generates many codes: one per record, in order, or the record's own OtpError. */
  generateBatch(records: readonly GenerateRecord[], options?: CallOptions): Promise<Array<string | OtpError>>
  /**
   * The hot path: verifies a columnar batch; typed arrays in, typed arrays out. The batch is read as
   * the call goes, without a copy, so the builder is held busy until the call settles: changing it
   * meanwhile (an add, reset, wipe) throws OtpError('BUILDER_BUSY'), and the call always uses what
   * the builder held when it was made.
   */
  verifyColumns(batch: BatchBuilder, options?: CallOptions): Promise<VerifyColumnsResult>
  /** Generates the codes of a columnar batch built with addCounter; holds the builder busy as verifyColumns does. */
  generateColumns(batch: BatchBuilder, options?: CallOptions): Promise<GenerateColumnsResult>
  /**
   * verifyBatch as a stream: records from any iterable or async iterable, results in order, one per
   * record, with at most `maxInFlight` shards of `shardSize` records in flight. The source is read
   * only as fast as results are taken, so a stream of any length runs in bounded memory. Bad
   * options, a closed engine and an abort reject the pending next().
   */
  verifyStream(
    records:
      Iterable<VerifyRecord | OcraVerifyRecord | SteamVerifyRecord> | AsyncIterable<VerifyRecord | OcraVerifyRecord | SteamVerifyRecord>,
    options?: StreamOptions,
  ): AsyncIterable<number | null | OtpError>
  /**
   * Ends the engine: later calls reject (or, for single codes, throw) OtpError('ENGINE_CLOSED');
   * the work under way finishes first, then the pool's workers end.
   */
  close(): Promise<void>
}

/**
 * Engines: the single-code API and the batch API bound to one kernel, in process or over a pool.
 */
import { OtpError, describe } from '../errors.js'
import type { Backend, Kernel } from '../kernel.js'
import { singleCodeApi, type ResyncOptions, type SingleCodeApi } from '../otp.js'
import type { Secret } from '../secret.js'
import { BatchBuilder } from '../batch/columns.js'
import { packGenerateRecords, packVerifyRecords, type GenerateRecord, type VerifyRecord } from '../batch/records.js'
import {
  generatePrepared,
  generateResults,
  verifyPrepared,
  verifyResults,
  type GenerateColumnsResult,
  type VerifyColumnsResult,
} from '../batch/run.js'
import { checkBackendChoice, loadKernel, type BackendChoice } from './select.js'

export interface EngineOptions {
  /** 'auto' (default): WASM, or JS where WASM cannot run. 'wasm' fails rather than fall back. */
  backend?: BackendChoice
  /** Worker threads for batches and scans. 1 (default) computes in the calling thread. */
  threads?: number
}

/**
 * An engine: single codes are computed in the calling thread, synchronously; resync scans and
 * batches return promises, since they may run on worker threads.
 */
export interface Engine extends Omit<SingleCodeApi, 'resyncHotp'> {
  /** The kernel computing the codes. */
  readonly backend: Backend
  /** See resyncHotp() of the module API. */
  resyncHotp(
    secret: Secret,
    codes: string[],
    from: number | bigint,
    options?: ResyncOptions,
  ): Promise<number | bigint | null>
  /**
   * Verifies many records: one result per record, in order: the matched delta, null, or the
   * record's own OtpError (a bad record never fails the batch). Each distinct secret is prepared once.
   */
  verifyBatch(records: readonly VerifyRecord[]): Promise<Array<number | null | OtpError>>
  /** Generates many codes: one per record, in order, or the record's own OtpError. */
  generateBatch(records: readonly GenerateRecord[]): Promise<Array<string | OtpError>>
  /** The hot path: verifies a columnar batch; typed arrays in, typed arrays out. */
  verifyColumns(batch: BatchBuilder): Promise<VerifyColumnsResult>
  /** Generates the codes of a columnar batch built with addCounter. */
  generateColumns(batch: BatchBuilder): Promise<GenerateColumnsResult>
  /** Ends the engine; later calls reject with OtpError('ENGINE_CLOSED'). */
  close(): Promise<void>
}

/** An engine that computes in the calling thread. */
export function inProcessEngine(kernel: Kernel): Engine {
  const api = singleCodeApi(kernel)
  let closed = false
  const open = <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      if (closed) throw new OtpError('ENGINE_CLOSED', 'this engine was closed')
      return fn(...args)
    }
  return {
    backend: kernel.backend,
    hotp: open(api.hotp),
    totp: open(api.totp),
    verifyHotp: open(api.verifyHotp),
    verifyTotp: open(api.verifyTotp),
    resyncHotp: open(async (...args: Parameters<SingleCodeApi['resyncHotp']>) => api.resyncHotp(...args)),
    verifyBatch: open(async (records: readonly VerifyRecord[]) => {
      const builder = packVerifyRecords(checkRecords(records))
      try {
        return verifyResults(verifyPrepared(kernel, builder.build()))
      } finally {
        builder.wipe()
      }
    }),
    generateBatch: open(async (records: readonly GenerateRecord[]) => {
      const builder = packGenerateRecords(checkRecords(records))
      try {
        const prepared = builder.build()
        return generateResults(generatePrepared(kernel, prepared), prepared)
      } finally {
        builder.wipe()
      }
    }),
    verifyColumns: open(async (batch: BatchBuilder) => verifyPrepared(kernel, checkBuilder(batch).build())),
    generateColumns: open(async (batch: BatchBuilder) => generatePrepared(kernel, checkBuilder(batch).build())),
    async close() {
      closed = true
    },
  }
}

function checkRecords<T>(records: readonly T[]): readonly T[] {
  if (!Array.isArray(records)) {
    throw new OtpError('INVALID_RECORD', `records must be an array, got ${describe(records)}`)
  }
  return records
}

function checkBuilder(batch: BatchBuilder): BatchBuilder {
  if (!(batch instanceof BatchBuilder)) {
    throw new OtpError('INVALID_RECORD', `batch must be a BatchBuilder, got ${describe(batch)}`)
  }
  return batch
}

/**
 * Creates an engine with an explicit backend. `backend: 'wasm'` rejects with
 * OtpError('WASM_UNAVAILABLE') where WASM cannot run; 'auto' falls back to JS and says so in `backend`.
 */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  if (options === null || typeof options !== 'object') {
    throw new OtpError('INVALID_OPTIONS', `createEngine options must be an object, got ${describe(options)}`)
  }
  const choice = checkBackendChoice(options.backend ?? 'auto')
  const threads = options.threads ?? 1
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new OtpError('INVALID_OPTIONS', `threads must be a whole number from 1 to 1024, got ${describe(threads)}`)
  }
  return inProcessEngine(loadKernel(choice))
}

/**
 * How the verifier has its codes computed: through an engine (createEngine) or anything with the same
 * functions, such as the module API itself. The verifier never computes an HMAC of its own.
 */
import { BatchBuilder } from '../batch/columns.js'
import { MATCH_STATUS, NO_MATCH_STATUS, type VerifyColumnsResult } from '../batch/run.js'
import { OtpError } from '../core/errors.js'
import type { Algorithm } from '../core/kernel.js'
import type { Check } from './decide.js'
import { asCounter, type TokenParams } from './token.js'

type Awaitable<T> = T | Promise<T>

interface CodeOptions {
  digits: number
  algorithm: Algorithm
}

/** One record of a batch verification, in the form engine.verifyBatch takes. */
export type BatchRecord =
  | ({ secret: Uint8Array; code: string; counter: number | bigint; window: number } & CodeOptions)
  | ({ secret: Uint8Array; code: string; time: number; period: number; t0: number; window: number } & CodeOptions)

/**
 * What the verifier needs of an engine: the functions of DESIGN.md's public API, synchronous or not.
 * When `verifyColumns` or `verifyBatch` is there, verifyMany hands it all of a chunk's checks at once
 * (the columnar form first: no object per record).
 */
export interface CodeEngine {
  verifyTotp(
    secret: Uint8Array,
    code: string,
    options: { time: number; period: number; t0: number; window: number } & CodeOptions,
  ): Awaitable<number | null>
  verifyHotp(secret: Uint8Array, code: string, counter: number | bigint, options: { window: number } & CodeOptions): Awaitable<number | null>
  resyncHotp(
    secret: Uint8Array,
    codes: string[],
    from: number | bigint,
    options: { lookAhead: number } & CodeOptions,
  ): Awaitable<number | bigint | null>
  verifyBatch?(records: BatchRecord[]): Promise<Array<number | null | OtpError>>
  verifyColumns?(batch: BatchBuilder): Promise<VerifyColumnsResult>
}

/** A check bound to the token it is for. */
export interface Job {
  readonly secret: Uint8Array
  readonly params: TokenParams
  readonly check: Check
}

/** Runs one check. */
export function runCheck(engine: CodeEngine, job: Job): Awaitable<number | bigint | null> {
  const { secret, params, check } = job
  const options = { digits: params.digits, algorithm: params.algorithm }
  switch (check.kind) {
    case 'totp':
      return engine.verifyTotp(secret, check.code, { ...options, time: check.time, period: params.period, t0: params.t0, window: check.window })
    case 'hotp':
      return engine.verifyHotp(secret, check.code, asCounter(check.counter), { ...options, window: check.window })
    case 'resync':
      return engine.resyncHotp(secret, check.codes, asCounter(check.from), { ...options, lookAhead: check.lookAhead })
  }
}

/**
 * Runs many verify checks: one verifyBatch call when the engine has it, else one call each (awaited
 * only when the engine returns promises). A failed check yields its OtpError; the others still run.
 */
export async function runChecks(engine: CodeEngine, jobs: readonly Job[]): Promise<Array<number | bigint | null | OtpError>> {
  const batchable = jobs.every((job) => job.check.kind !== 'resync')
  if (engine.verifyColumns !== undefined && batchable) return runColumns(engine.verifyColumns.bind(engine), jobs)
  if (engine.verifyBatch !== undefined && batchable) return engine.verifyBatch(jobs.map(batchRecord))
  const out: Array<number | bigint | null | OtpError> = new Array(jobs.length)
  for (let i = 0; i < jobs.length; i++) {
    try {
      const match = runCheck(engine, jobs[i]!)
      out[i] = match instanceof Promise ? await match : match
    } catch (error) {
      out[i] = asOtpError(error)
    }
  }
  return out
}

/** The checks as one columnar batch; the builder's copy of the keys is wiped once it is verified. */
async function runColumns(verifyColumns: NonNullable<CodeEngine['verifyColumns']>, jobs: readonly Job[]): Promise<Array<number | null | OtpError>> {
  const batch = new BatchBuilder()
  for (const { secret, params, check } of jobs) {
    const key = batch.addKey(secret, params.algorithm)
    if (check.kind === 'totp') {
      batch.addTotp(key, check.code, check.time, { window: check.window, digits: params.digits, period: params.period, t0: params.t0 })
    } else if (check.kind === 'hotp') {
      batch.addHotp(key, check.code, asCounter(check.counter), { window: check.window, digits: params.digits })
    }
  }
  let result: VerifyColumnsResult
  try {
    result = await verifyColumns(batch)
  } finally {
    batch.wipe()
  }
  const out = new Array<number | null | OtpError>(jobs.length)
  for (let i = 0; i < jobs.length; i++) {
    const status = result.status[i]
    out[i] = status === MATCH_STATUS ? result.delta[i]! : status === NO_MATCH_STATUS ? null : result.errors.get(i)!
  }
  return out
}

function batchRecord({ secret, params, check }: Job): BatchRecord {
  const options = { digits: params.digits, algorithm: params.algorithm }
  if (check.kind === 'totp') {
    return { secret, code: check.code, time: check.time, period: params.period, t0: params.t0, window: check.window, ...options }
  }
  if (check.kind === 'hotp') return { secret, code: check.code, counter: asCounter(check.counter), window: check.window, ...options }
  throw new OtpError('INVALID_RECORD', 'a resync is not a batch record')
}

/** An engine failure as an OtpError (engines throw OtpError; anything else is wrapped). */
export function asOtpError(error: unknown): OtpError {
  if (error instanceof OtpError) return error
  return new OtpError('WORKER_FAILED', 'the engine failed while computing codes', { cause: error })
}

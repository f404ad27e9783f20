/**
 * How the verifier has its codes computed: through an engine (createEngine) or anything with the same
 * functions, such as the module API itself. A token whose key is held prepared (the verifier's
 * keyCache) is checked on that key: in the engine's columns when it has verifyColumns, else by the
 * kernel's prepared entry points in this thread (two compressions a code, no key setup).
 */
import { BatchBuilder } from '../batch/columns.js'
import { MATCH_STATUS, NO_MATCH_STATUS, type VerifyColumnsResult } from '../batch/run.js'
import { OtpError } from '../core/errors.js'
import { NO_MATCH, PREPARED_KEY_BYTES, type Algorithm } from '../core/kernel.js'
import { moduleKernel } from '../kernels/module-kernel.js'
import type { Check } from './decide.js'
import { VerifierKey } from './key-cache.js'
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
  verifyHotp(
    secret: Uint8Array,
    code: string,
    counter: number | bigint,
    options: { window: number } & CodeOptions,
  ): Awaitable<number | null>
  resyncHotp(
    secret: Uint8Array,
    codes: string[],
    from: number | bigint,
    options: { lookAhead: number } & CodeOptions,
  ): Awaitable<number | bigint | null>
  verifyBatch?(records: BatchRecord[]): Promise<Array<number | null | OtpError>>
  verifyColumns?(batch: BatchBuilder): Promise<VerifyColumnsResult>
}

/** A check bound to the token it is for: its opened secret, or its prepared key. */
export interface Job {
  readonly secret: Uint8Array | VerifierKey
  readonly params: TokenParams
  readonly check: Check
}

/** Runs one check. */
export function runCheck(engine: CodeEngine, job: Job): Awaitable<number | bigint | null> {
  const { secret, params, check } = job
  if (secret instanceof VerifierKey) return runPrepared(engine, secret, params, check)
  const options = { digits: params.digits, algorithm: params.algorithm }
  switch (check.kind) {
    case 'totp':
      return engine.verifyTotp(secret, check.code, {
        ...options,
        time: check.time,
        period: params.period,
        t0: params.t0,
        window: check.window,
      })
    case 'hotp':
      return engine.verifyHotp(secret, check.code, asCounter(check.counter), { ...options, window: check.window })
    case 'resync':
      return engine.resyncHotp(secret, check.codes, asCounter(check.from), { ...options, lookAhead: check.lookAhead })
  }
}

/** A check on a prepared key: verify checks on the kernel, a resync through the engine on a copy of the key. */
function runPrepared(engine: CodeEngine, key: VerifierKey, params: TokenParams, check: Check): Awaitable<number | bigint | null> {
  if (check.kind === 'resync') {
    const secret = key.secret()
    let match: Awaitable<number | bigint | null>
    try {
      match = runCheck(engine, { secret, params, check })
    } catch (error) {
      secret.fill(0)
      throw error
    }
    if (!(match instanceof Promise)) {
      secret.fill(0)
      return match
    }
    return match.finally(() => secret.fill(0))
  }
  // The plan has checked the code's digits; a value of 31 bits or more can never match.
  const code = Number(check.code)
  if (!(code <= 0x7fff_ffff)) return null
  let delta: number
  if (check.kind === 'totp') {
    const step = Math.floor((check.time - params.t0) / params.period)
    const hi = Math.floor(step / 0x1_0000_0000)
    delta = moduleKernel().verifyPrepared(
      key.id,
      key.words,
      hi,
      step >>> 0,
      code,
      params.digits,
      Math.min(check.window, step),
      check.window,
    )
  } else {
    const counter = check.counter
    delta = moduleKernel().verifyPrepared(
      key.id,
      key.words,
      Number(counter >> 32n),
      Number(counter & 0xffff_ffffn),
      code,
      params.digits,
      0,
      check.window,
    )
  }
  return delta === NO_MATCH ? null : delta
}

/**
 * Runs many verify checks: one verifyBatch call when the engine has it, else one call each (awaited
 * only when the engine returns promises). A failed check yields its OtpError; the others still run.
 */
export async function runChecks(engine: CodeEngine, jobs: readonly Job[]): Promise<Array<number | bigint | null | OtpError>> {
  const batchable = jobs.every((job) => job.check.kind !== 'resync')
  if (engine.verifyColumns !== undefined && batchable) return runColumns(engine.verifyColumns.bind(engine), jobs)
  if (engine.verifyBatch !== undefined && batchable && !jobs.some((job) => job.secret instanceof VerifierKey)) {
    return engine.verifyBatch(jobs.map(batchRecord))
  }
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
async function runColumns(
  verifyColumns: NonNullable<CodeEngine['verifyColumns']>,
  jobs: readonly Job[],
): Promise<Array<number | null | OtpError>> {
  // Sized to the checks: a builder's default room (1,024 records) is some 50 KB of columns, made and
  // wiped for every call, while a service's groups hold a few dozen.
  const n = Math.max(1, jobs.length)
  const batch = new BatchBuilder({ records: n, keys: n, keyBytes: n * PREPARED_KEY_BYTES })
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
  if (secret instanceof VerifierKey) throw new OtpError('INVALID_RECORD', 'a prepared key is checked on the kernel')
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

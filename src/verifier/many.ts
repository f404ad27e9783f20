/**
 * verifyMany: the same decisions as verify(), with one store read, engine batches and one store
 * write per chunk of tokens instead of per token. Each token's write is still its own
 * compare-and-set; a token whose write lost a race is decided again through verify() alone.
 *
 * The common request (a TOTP code for an unlocked token) takes a direct path: its key goes straight
 * into the columns the kernel reads (one BatchBuilder reused from chunk to chunk), and one pass over
 * the kernel's answers makes each result and new state, with no plan object in between. The rest
 * (HOTP, locks, malformed codes) go through the plans of decide.ts, which verify() uses; the
 * keyCache tests hold the two paths to the same answers.
 */
import { OtpError, describe } from '../core/errors.js'
import { BatchBuilder } from '../batch/columns.js'
import { MATCH_STATUS, NO_MATCH_STATUS, type VerifyColumnsResult } from '../batch/run.js'
import { PREPARED_KEY_BYTES } from '../core/kernel.js'
import {
  clampDrift,
  currentStep,
  failure,
  isDone,
  planVerify,
  stepTime,
  typedDigits,
  type Decision,
  type Needs,
  type Plan,
} from './decide.js'
import { asOtpError, runChecks, type CodeEngine } from './engine.js'
import { releaseSecret, type VerifierKey } from './key-cache.js'
import type { VerifierPolicy } from './policy.js'
import type { StateUpdate, StoredToken, TokenStore } from './store.js'
import { checkTokenId, decodeParams, encodeState, type TokenParams, type TokenState } from './token.js'
import type { VerifyResult } from './types.js'

/**
 * A token read from the store and opened: its secret, or its prepared key from the verifier's
 * keyCache (pinned). Either is released (releaseSecret) once its checks are done.
 */
export interface OpenToken {
  readonly stored: StoredToken
  readonly params: TokenParams
  readonly state: TokenState
  readonly secret: Uint8Array | VerifierKey
}

/** What a chunk needs of its verifier. */
export interface ChunkContext {
  readonly store: TokenStore
  readonly policy: VerifierPolicy
  readonly clock: () => number
  engine(): Promise<CodeEngine>
  /** The one-token path, for lost races. */
  verify(tokenId: string, code: string): Promise<VerifyResult>
  /** The stored text of a token's new state, its MAC made for the version its compare-and-set gives it. */
  nextState(stored: StoredToken, state: TokenState): string
  /** Told of each state written, by its expected version. */
  wrote(id: string, version: number, state: string, decoded?: TokenState): void
  /** A token's checked state (its MAC verified, or vouched for). */
  stateOf(stored: StoredToken): TokenState
  /**
   * The token's key for the chunk's columns: its prepared key from the key cache (pinned), or its
   * opened secret (the caller wipes it once copied).
   */
  keyOf(stored: StoredToken, params: TokenParams, state?: TokenState): Uint8Array | VerifierKey
  /** The stored text of a token's next state given as its text (token.ts encodeState). */
  sealNext(stored: StoredToken, state: string): string
}

/** One code to check in verifyMany. */
export interface VerifyRequest {
  readonly tokenId: string
  readonly code: string
}

interface Pending {
  readonly slot: number
  readonly token: OpenToken
  readonly plan: Plan<VerifyResult>
}

interface Decided {
  readonly slot: number
  readonly token: OpenToken
  readonly decision: Decision<VerifyResult>
}

type Outcome = VerifyResult | OtpError

/** A chunk of requests on its way: checked, and its tokens being read. */
interface Chunk {
  readonly requests: readonly VerifyRequest[]
  /** Where the chunk's first result goes in `out`. */
  readonly offset: number
  /** The requests that passed their checks: their index in the chunk, and their token id. */
  readonly slots: number[]
  readonly ids: string[]
  readonly records: Promise<Array<StoredToken | null>>
}

/**
 * Verifies all requests, `size` at a time, as a pipeline: while one chunk is decided (decryption
 * and the engine, in this thread) the next chunk's read and the previous chunk's write are in flight
 * in the store. Overlapping them is safe: a token that a chunk read before an earlier chunk wrote it
 * only loses its compare-and-set, and is decided again.
 */
export async function verifyAll(ctx: ChunkContext, requests: readonly VerifyRequest[], size: number): Promise<Outcome[]> {
  const out: Outcome[] = new Array(requests.length)
  const columns = new ChunkColumns(Math.max(1, Math.min(size, requests.length)))
  const start = (offset: number) =>
    offset < requests.length ? readChunk(ctx, requests.slice(offset, offset + size), offset, out) : undefined
  let next = start(0)
  let writing: Promise<void> = Promise.resolve()
  while (next !== undefined) {
    const chunk = next
    const records = await chunk.records
    next = start(chunk.offset + size)
    const writes = await decideChunk(ctx, chunk, records, out, columns)
    const previous = writing
    writing = writeChunk(ctx, chunk, writes, out)
    // Settle in order, and never leave a rejection unobserved while the next chunk is decided.
    writing.catch(() => {})
    await previous
  }
  await writing
  return out
}

function readChunk(ctx: ChunkContext, requests: readonly VerifyRequest[], offset: number, out: Outcome[]): Chunk {
  const slots: number[] = []
  const ids: string[] = []
  requests.forEach((request, i) => {
    try {
      const id = checkRequest(request, offset + i)
      slots.push(i)
      ids.push(id)
    } catch (error) {
      out[offset + i] = asOtpError(error)
    }
  })
  const records = ctx.store.getMany(ids)
  records.catch(() => {})
  return { requests, offset, slots, ids, records }
}

/**
 * The writes a chunk decided: parallel lists, one entry per token whose state changes. Its result
 * goes out only once its compare-and-set succeeds.
 */
interface Writes {
  readonly slots: number[]
  readonly updates: StateUpdate[]
  readonly results: VerifyResult[]
  /** The new state decoded, where the decision made one (the cache keeps it with the text). */
  readonly states: Array<TokenState | undefined>
}

/**
 * What one verifyAll call reuses from chunk to chunk: the batch its TOTP checks are written into (keys
 * copied in, wiped after each chunk), and per row, the chunk slot and the step the check is centred on.
 */
class ChunkColumns {
  #batch: BatchBuilder | undefined
  readonly #rows: number
  slot: Int32Array
  centre: Float64Array
  step: Float64Array
  /** The record of each row, for its token and state. */
  readonly stored: StoredToken[] = []
  readonly states: TokenState[] = []
  /** The options object of each row's check, reused (the builder copies what it reads). */
  readonly options = { window: 1, digits: 6, period: 30, t0: 0 }

  /** Room for chunks of `n` requests. */
  constructor(n: number) {
    this.#rows = n
    this.slot = new Int32Array(n)
    this.centre = new Float64Array(n)
    this.step = new Float64Array(n)
  }

  /** The batch, made on first use: a call with no TOTP row to check (HOTP, as a service's) needs none. */
  get batch(): BatchBuilder {
    const n = this.#rows
    return (this.#batch ??= new BatchBuilder({ records: n, keys: n, keyBytes: n * PREPARED_KEY_BYTES }))
  }

  /** Empties the batch, its key bytes wiped, if it was made. */
  reset(): void {
    this.#batch?.reset()
  }

  ensure(n: number): void {
    if (n <= this.slot.length) return
    this.slot = new Int32Array(n)
    this.centre = new Float64Array(n)
    this.step = new Float64Array(n)
  }
}

/**
 * Opens the chunk's tokens and decides each request; bad ones get their error in `out`, and decisions
 * that change nothing (LOCKED, REPLAYED) their result. With an engine that takes columns, a TOTP
 * request on an unlocked token goes straight into the batch, as one row (its prepared key, or its
 * secret copied in and wiped), and its result and new state come out of one pass over the answers;
 * anything else goes through the plans of decide.ts.
 */
async function decideChunk(
  ctx: ChunkContext,
  chunk: Chunk,
  records: Array<StoredToken | null>,
  out: Outcome[],
  columns: ChunkColumns,
): Promise<Writes> {
  const { offset, slots, ids, requests } = chunk
  // The engine first: once secrets are opened, only the finally blocks stand between them and a leak.
  const engine = await ctx.engine()
  const now = ctx.clock()
  const { policy } = ctx
  const writes: Writes = { slots: [], updates: [], results: [], states: [] }
  const pending: Pending[] = []
  const fast = engine.verifyColumns !== undefined
  const { options, stored: rowStored, states } = columns
  columns.ensure(records.length)
  columns.reset()
  let rows = 0
  try {
    for (let k = 0; k < records.length; k++) {
      const record = records[k]!
      const slot = slots[k]!
      try {
        if (record === null) throw unknownToken(ids[k]!)
        const params = decodeParams(record.id, record.params)
        const state = ctx.stateOf(record)
        const code = requests[slot]!.code
        const step = params.type === 'totp' ? currentStep(params, now) : -1
        const digits = fast && step >= 0 && state.lockedUntil <= now ? typedDigits(code, params.digits) : undefined
        if (digits === undefined) {
          // The general path: HOTP, a lock, a malformed code, a time before t0, an engine without columns.
          const secret = ctx.keyOf(record, params, state)
          const token: OpenToken = { stored: record, params, state, secret }
          try {
            pending.push({ slot, token, plan: planVerify({ params, state, now, policy }, code) })
          } catch (error) {
            releaseSecret(secret)
            throw error
          }
          continue
        }
        const secret = ctx.keyOf(record, params, state)
        const batch = columns.batch
        let key: number
        try {
          key = batch.addKey(secret, params.algorithm)
        } finally {
          // The batch holds its own copy now: an opened secret is wiped, a cached key released.
          releaseSecret(secret)
        }
        const centre = Math.max(0, step + state.drift)
        options.window = policy.window
        options.digits = params.digits
        options.period = params.period
        options.t0 = params.t0
        batch.totpRecord(key, digits, stepTime(params, centre), options)
        columns.slot[rows] = slot
        columns.centre[rows] = centre
        columns.step[rows] = step
        rowStored[rows] = record
        states[rows] = state
        rows++
      } catch (error) {
        out[offset + slot] = asOtpError(error)
      }
    }
    if (rows > 0) await settleRows(ctx, engine, columns, rows, now, chunk, writes, out)
  } finally {
    columns.reset()
    rowStored.length = 0
    states.length = 0
  }
  const decided = await settleAll(engine, pending, (slot, error) => (out[offset + slot] = error))
  for (const { slot, token, decision } of decided) {
    if (decision.state === null) out[offset + slot] = decision.result
    else {
      writes.slots.push(slot)
      writes.updates.push({ id: token.stored.id, version: token.stored.version, state: ctx.nextState(token.stored, decision.state) })
      writes.results.push(decision.result)
      writes.states.push(decision.state)
    }
  }
  return writes
}

/** Verifies the chunk's TOTP rows in one engine call, and decides each as planVerify would. */
async function settleRows(
  ctx: ChunkContext,
  engine: CodeEngine,
  columns: ChunkColumns,
  rows: number,
  now: number,
  chunk: Chunk,
  writes: Writes,
  out: Outcome[],
): Promise<void> {
  const { policy } = ctx
  const { offset } = chunk
  let answer: VerifyColumnsResult
  try {
    answer = await engine.verifyColumns!(columns.batch)
  } catch (error) {
    const failed = asOtpError(error)
    for (let r = 0; r < rows; r++) out[offset + columns.slot[r]!] = failed
    return
  }
  const { status, delta } = answer
  for (let r = 0; r < rows; r++) {
    const slot = columns.slot[r]!
    const stored = columns.stored[r]!
    const state = columns.states[r]!
    const s = status[r]
    if (s !== MATCH_STATUS && s !== NO_MATCH_STATUS) {
      out[offset + slot] = answer.errors.get(r) ?? new OtpError('INVALID_RECORD', 'the engine refused the record')
      continue
    }
    let result: VerifyResult
    let text: string
    if (s === NO_MATCH_STATUS) {
      const params = decodeParams(stored.id, stored.params)
      const { result: failed, state: next } = failure({ params, state, now, policy })
      result = failed
      text = encodeState(next!)
    } else {
      const step = columns.step[r]!
      const matched = columns.centre[r]! + delta[r]!
      if (matched < Number(state.next)) {
        out[offset + slot] = REPLAYED
        continue
      }
      result = { ok: true, type: 'totp', delta: matched - step, step: matched }
      text = `"${matched + 1}",${clampDrift(matched - step, policy)},0,0`
    }
    writes.slots.push(slot)
    writes.updates.push({ id: stored.id, version: stored.version, state: ctx.sealNext(stored, text) })
    writes.results.push(result)
    writes.states.push(undefined)
  }
}

const REPLAYED: VerifyResult = Object.freeze({ ok: false, reason: 'REPLAYED' })

/** Writes the chunk's new states, each by compare-and-set, and fills in their results. */
async function writeChunk(ctx: ChunkContext, chunk: Chunk, writes: Writes, out: Outcome[]): Promise<void> {
  const { offset, requests } = chunk
  const { slots, updates, results, states } = writes
  const written = await ctx.store.compareAndSetMany(updates)
  const lost: number[] = []
  for (let i = 0; i < updates.length; i++) {
    if (written[i]) {
      const u = updates[i]!
      ctx.wrote(u.id, u.version, u.state, states[i])
      out[offset + slots[i]!] = results[i]!
    } else lost.push(i)
  }
  // A concurrent writer won, or the same token came twice: decide again, alone.
  for (const i of lost) {
    const slot = slots[i]!
    try {
      out[offset + slot] = await ctx.verify(updates[i]!.id, requests[slot]!.code)
    } catch (error) {
      out[offset + slot] = asOtpError(error)
    }
  }
}

/**
 * Runs the plans' checks in rounds of engine batches (most plans need one check; an HOTP miss needs
 * a second, its look behind) and wipes every secret after. Returns the decisions; a plan whose
 * check failed reports its error instead.
 */
async function settleAll(
  engine: CodeEngine,
  pending: readonly Pending[],
  fail: (slot: number, error: OtpError) => void,
): Promise<Decided[]> {
  const decided: Decided[] = []
  let checking: Array<{ slot: number; token: OpenToken; plan: Needs<VerifyResult> }> = []
  const sort = (slot: number, token: OpenToken, plan: Plan<VerifyResult>) => {
    if (isDone(plan)) decided.push({ slot, token, decision: plan.done })
    else checking.push({ slot, token, plan })
  }
  for (const { slot, token, plan } of pending) sort(slot, token, plan)
  try {
    while (checking.length > 0) {
      const round = checking
      checking = []
      const matches = await runChecks(
        engine,
        round.map(({ token, plan }) => ({ secret: token.secret, params: token.params, check: plan.check })),
      )
      round.forEach(({ slot, token, plan }, i) => {
        const match = matches[i]
        if (match instanceof OtpError) fail(slot, match)
        else sort(slot, token, plan.then(match ?? null))
      })
    }
  } finally {
    for (const { token } of pending) releaseSecret(token.secret)
  }
  return decided
}

function checkRequest(request: unknown, index: number): string {
  if (request === null || typeof request !== 'object') {
    throw new OtpError('INVALID_RECORD', `requests[${index}] must be { tokenId, code }, got ${describe(request)}`)
  }
  const { tokenId, code } = request as { tokenId?: unknown; code?: unknown }
  const id = checkTokenId(tokenId)
  checkCodeType(code)
  return id
}

export function unknownToken(id: string): OtpError {
  return new OtpError('UNKNOWN_TOKEN', `no token with id ${JSON.stringify(id)} is enrolled`)
}

/** A code must be a string: a number would have lost its leading zeros. Its digits are checked by the plan. */
export function checkCodeType(code: unknown): asserts code is string {
  if (typeof code !== 'string') throw new OtpError('INVALID_CODE', `code must be a string of digits, got ${describe(code)}`)
}

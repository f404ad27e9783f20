/**
 * verifyMany: the same decisions as verify(), with one store read, engine batches and one store
 * write per chunk of tokens instead of per token. Each token's write is still its own
 * compare-and-set; a token whose write lost a race is decided again through verify() alone.
 */
import { OtpError, describe } from '../core/errors.js'
import { isDone, planVerify, type Decision, type Needs, type Plan } from './decide.js'
import { asOtpError, runChecks, type CodeEngine } from './engine.js'
import type { VerifierPolicy } from './policy.js'
import type { StoredToken, TokenStore } from './store.js'
import { checkTokenId, type TokenParams, type TokenState } from './token.js'
import type { VerifyResult } from './types.js'

/** A token read from the store and opened. The secret is wiped once its checks are done. */
export interface OpenToken {
  readonly stored: StoredToken
  readonly params: TokenParams
  readonly state: TokenState
  readonly secret: Uint8Array
}

/** What a chunk needs of its verifier. */
export interface ChunkContext {
  readonly store: TokenStore
  readonly policy: VerifierPolicy
  readonly clock: () => number
  engine(): Promise<CodeEngine>
  open(stored: StoredToken): OpenToken
  /** The one-token path, for lost races. */
  verify(tokenId: string, code: string): Promise<VerifyResult>
  /** The stored text of a token's new state, its MAC made for the version its compare-and-set gives it. */
  nextState(stored: StoredToken, state: TokenState): string
  /** Told of each state written, by its expected version. */
  wrote(id: string, version: number, state: string): void
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
  const start = (offset: number) => (offset < requests.length ? readChunk(ctx, requests.slice(offset, offset + size), offset, out) : undefined)
  let next = start(0)
  let writing: Promise<void> = Promise.resolve()
  while (next !== undefined) {
    const chunk = next
    const records = await chunk.records
    next = start(chunk.offset + size)
    const decided = await decideChunk(ctx, chunk, records, out)
    const previous = writing
    writing = writeChunk(ctx, chunk, decided, out)
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

/** Opens the chunk's tokens and decides each request; bad ones get their error in `out`. */
async function decideChunk(ctx: ChunkContext, chunk: Chunk, records: Array<StoredToken | null>, out: Outcome[]): Promise<Decided[]> {
  const { offset, slots, ids, requests } = chunk
  // The engine first: once secrets are opened, only settleAll's finally stands between them and a leak.
  const engine = await ctx.engine()
  const now = ctx.clock()
  const pending: Pending[] = []
  records.forEach((record, k) => {
    const slot = slots[k]!
    try {
      if (record === null) throw unknownToken(ids[k]!)
      const token = ctx.open(record)
      const plan = planVerify({ params: token.params, state: token.state, now, policy: ctx.policy }, requests[slot]!.code)
      pending.push({ slot, token, plan })
    } catch (error) {
      out[offset + slot] = asOtpError(error)
    }
  })
  return settleAll(engine, pending, (slot, error) => (out[offset + slot] = error))
}

/** Writes the chunk's new states, each by compare-and-set, and fills in its results. */
async function writeChunk(ctx: ChunkContext, chunk: Chunk, decided: readonly Decided[], out: Outcome[]): Promise<void> {
  const { offset, requests } = chunk
  const writes = decided.filter((p) => p.decision.state !== null)
  const updates = writes.map(({ token, decision }) => ({ id: token.stored.id, version: token.stored.version, state: ctx.nextState(token.stored, decision.state!) }))
  const written = await ctx.store.compareAndSetMany(updates)
  updates.forEach((u, i) => written[i] && ctx.wrote(u.id, u.version, u.state))
  const lost = new Set(writes.filter((_, i) => !written[i]))
  for (const p of decided) {
    if (!lost.has(p)) out[offset + p.slot] = p.decision.result
  }
  // A concurrent writer won, or the same token came twice: decide again, alone.
  for (const p of lost) {
    try {
      out[offset + p.slot] = await ctx.verify(p.token.stored.id, requests[p.slot]!.code)
    } catch (error) {
      out[offset + p.slot] = asOtpError(error)
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
    for (const { token } of pending) token.secret.fill(0)
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

/**
 * Tokens in bulk: enrolMany seals thousands of tokens and hands them to the store a chunk at a time
 * (one transaction or one round trip per chunk, not one per token); exportAll is the one way secrets
 * leave the store, opened for an explicit export (otp export writes them encrypted, as QR codes, or
 * as a plain file only when asked to).
 */
import { OtpError, describe } from '../core/errors.js'
import type { Secret } from '../core/secret.js'
import type { Token } from '../io/token.js'
import { unknownToken } from './many.js'
import type { StoredToken, TokenStore } from './store.js'
import { asCounter, checkTokenId, decodeParams, type TokenState } from './token.js'
import type { EnrollParams, TokenInfo } from './types.js'

/** One token for verifier.enrollMany. */
export interface EnrollEntry {
  readonly tokenId: string
  readonly secret: Secret
  readonly params: EnrollParams
}

export interface EnrollManyOptions {
  /** Tokens sealed and written per store call. Default 512. */
  batchSize?: number
  /** Called after each chunk is written, with the number of entries decided so far (enrolled or refused). */
  onProgress?: (done: number) => void
}

/** What enrolMany needs of the verifier. */
export interface BulkContext {
  readonly store: TokenStore
  /** Seals a new token; throws OtpError for a bad secret or bad parameters. */
  storedToken(id: string, secret: Secret, params: EnrollParams): { stored: StoredToken; info: TokenInfo }
  /** Opens a stored token's secret (a fresh copy, the caller's to wipe). */
  openSecret(stored: StoredToken): Uint8Array
  /** The state of a stored token, its MAC checked. */
  stateOf(stored: StoredToken): TokenState
}

/** Enrolls every entry, a chunk at a time; one result per entry, in order. See Verifier.enrollMany. */
export async function enrollAll(
  ctx: BulkContext,
  entries: Iterable<EnrollEntry> | AsyncIterable<EnrollEntry>,
  options: EnrollManyOptions = {},
): Promise<Array<TokenInfo | OtpError>> {
  if (entries === null || typeof entries !== 'object' || !(Symbol.iterator in entries || Symbol.asyncIterator in entries)) {
    throw new OtpError('INVALID_OPTIONS', `enrollMany takes an iterable of { tokenId, secret, params }, got ${describe(entries)}`)
  }
  if (options === null || typeof options !== 'object') {
    throw new OtpError('INVALID_OPTIONS', `enrollMany options must be an object, got ${describe(options)}`)
  }
  const batchSize = options.batchSize ?? 512
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new OtpError('INVALID_OPTIONS', `enrollMany: batchSize must be a whole number above 0, got ${describe(batchSize)}`)
  }
  const onProgress = options.onProgress
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new OtpError('INVALID_OPTIONS', `enrollMany: onProgress must be a function, got ${describe(onProgress)}`)
  }

  const results: Array<TokenInfo | OtpError> = []
  // The chunk being gathered: sealed tokens, and the place of each one's result.
  let sealed: StoredToken[] = []
  let infos: TokenInfo[] = []
  let places: number[] = []

  const flush = async () => {
    if (sealed.length > 0) {
      const added = await ctx.store.insertMany(sealed)
      added.forEach((ok, i) => {
        results[places[i]!] = ok ? infos[i]! : taken(sealed[i]!.id)
      })
      sealed = []
      infos = []
      places = []
    }
    onProgress?.(results.length)
  }

  for await (const entry of entries) {
    const place = results.length
    results.push(undefined as unknown as TokenInfo)
    try {
      if (entry === null || typeof entry !== 'object') {
        throw new OtpError('INVALID_OPTIONS', `enrollMany: each entry must be { tokenId, secret, params }, got ${describe(entry)}`)
      }
      const { stored, info } = ctx.storedToken(checkTokenId(entry.tokenId), entry.secret, entry.params)
      sealed.push(stored)
      infos.push(info)
      places.push(place)
    } catch (error) {
      if (!(error instanceof OtpError)) throw error
      results[place] = error
    }
    if (results.length % batchSize === 0) await flush()
  }
  if (results.length % batchSize !== 0 || results.length === 0) await flush()
  return results
}

function taken(id: string): OtpError {
  return new OtpError('TOKEN_EXISTS', `a token with id ${JSON.stringify(id)} is already enrolled`)
}

/**
 * The tokens `ids` (every token of the store when undefined), each with its secret opened, in the
 * shape the export formats write: `account` and `id` are the token id; an HOTP token's counter is the
 * one its next code uses, a TOTP token's drift the one it learned.
 *
 * @throws OtpError UNKNOWN_TOKEN for an id not enrolled; INVALID_OPTIONS for a TOTP token whose t0 is
 *   not 0, which none of the formats can carry. Nothing is returned then: no secret is left opened.
 */
export async function exportAll(ctx: BulkContext, ids: readonly string[] | undefined): Promise<Token[]> {
  if (ids !== undefined && !Array.isArray(ids)) {
    throw new OtpError('INVALID_OPTIONS', `exportTokens takes an array of token ids, got ${describe(ids)}`)
  }
  const wanted = ids === undefined ? await ctx.store.ids() : ids.map(checkTokenId)
  const tokens: Token[] = []
  try {
    for (let start = 0; start < wanted.length; start += 512) {
      const slice = wanted.slice(start, start + 512)
      const stored = await ctx.store.getMany(slice)
      stored.forEach((token, i) => {
        if (token === null) {
          // A token listed, then removed before it was read, is simply gone; a token asked for by id is not.
          if (ids === undefined) return
          throw unknownToken(slice[i]!)
        }
        tokens.push(exported(ctx, token))
      })
    }
  } catch (error) {
    for (const token of tokens) token.secret.fill(0)
    throw error
  }
  return tokens
}

function exported(ctx: BulkContext, stored: StoredToken): Token {
  const { id } = stored
  const params = decodeParams(id, stored.params)
  const state = ctx.stateOf(stored)
  if (params.type === 'totp' && params.t0 !== 0) {
    throw new OtpError(
      'INVALID_OPTIONS',
      `token ${JSON.stringify(id)} counts its steps from t0 ${params.t0}: no export format carries a t0 other than 0`,
    )
  }
  const secret = ctx.openSecret(stored)
  const common = { secret, account: id, id, algorithm: params.algorithm, digits: params.digits }
  return params.type === 'hotp'
    ? { ...common, type: 'hotp', counter: asCounter(state.next) }
    : { ...common, type: 'totp', period: params.period, ...(state.drift === 0 ? {} : { drift: state.drift }) }
}

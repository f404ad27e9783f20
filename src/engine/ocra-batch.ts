/**
 * verifyBatch with OCRA and Steam Guard records beside HOTP and TOTP ones. The HOTP and TOTP records
 * go to the executor as before (in groups, on the pool where there is one); the OCRA and Steam
 * Guard records are verified on the calling thread's kernel meanwhile (src/batch/ocra-records.ts),
 * since the pool's shards carry counter columns only. Results come back in the records' order.
 * verifyStream does the same record by record (withKernelSideStream).
 */
import { OtpError, describe } from '../core/errors.js'
import type { Kernel } from '../core/kernel.js'
import { ocraApi, type OcraApi, type VerifyMutualOcraInput } from '../core/ocra/ocra.js'
import type { VerifyOcraInput } from '../core/ocra/message.js'
import { singleCodeApi, type SingleCodeApi } from '../core/otp.js'
import { isKernelSideRecord, verifyKernelSideRecords, type OcraVerifyRecord, type SteamVerifyRecord } from '../batch/ocra-records.js'

type Result = number | null | OtpError

/**
 * Verifies `records`: the plain ones through `plain` (which answers one result per record it is
 * given, in order), the OCRA and Steam Guard ones on `kernel`.
 */
export async function verifyWithKernelSide<R>(
  kernel: Kernel,
  records: readonly R[],
  plain: (records: readonly R[]) => Promise<Result[]>,
): Promise<Result[]> {
  // The kernel-side records' indexes, in order; the plain ones go to `plain`.
  let side: Uint32Array | undefined
  let sides = 0
  for (let i = 0; i < records.length; i++) if (isKernelSideRecord(records[i])) (side ??= new Uint32Array(records.length - i))[sides++] = i
  if (side === undefined) return plain(records)
  const rest: R[] = []
  const restIndex: number[] = []
  if (sides < records.length) {
    let s = 0
    for (let i = 0; i < records.length; i++) {
      if (s < sides && side[s] === i) s++
      else {
        rest.push(records[i]!)
        restIndex.push(i)
      }
    }
  }
  // The executor starts on the plain records first; the kernel-side ones are computed meanwhile.
  const pending = rest.length > 0 ? plain(rest) : Promise.resolve([])
  const out = new Array<Result>(records.length)
  try {
    verifyKernelSideRecords(kernel, records, side, out, sides)
  } finally {
    const results = await pending
    for (let j = 0; j < results.length; j++) out[restIndex[j]!] = results[j]!
  }
  return out
}

/** The engine's OCRA methods: `api`'s, each wrapped (a closed engine refuses them). */
export function ocraMethods(
  api: OcraApi,
  wrap: <A extends unknown[], T>(fn: (...args: A) => T) => (...args: A) => T,
): Pick<OcraApi, 'ocra' | 'verifyOcra'> {
  return { ocra: wrap(api.ocra), verifyOcra: wrap(api.verifyOcra) }
}

/** One OCRA or Steam Guard record, as verifyBatch answers it (its own OtpError when it is bad). */
function verifyOne(ocra: OcraApi, single: SingleCodeApi, record: unknown): Result {
  try {
    if ('suite' in (record as object)) {
      const { suite, secret, code, mutual, ...input } = record as OcraVerifyRecord & { mutual?: unknown }
      if (mutual === 'server') return ocra.verifyOcraServerResponse(suite, secret, code, input as VerifyMutualOcraInput)
      if (mutual === 'client') return ocra.verifyOcraClientResponse(suite, secret, code, input as VerifyMutualOcraInput)
      if (mutual !== undefined) throw new OtpError('INVALID_RECORD', `mutual must be 'server' or 'client', got ${describe(mutual)}`)
      return ocra.verifyOcra(suite, secret, code, input as VerifyOcraInput)
    }
    const { secret, code, ...options } = record as SteamVerifyRecord
    return single.verifyTotp(secret, code, options)
  } catch (error) {
    if (error instanceof OtpError) return error
    return new OtpError('INVALID_RECORD', `a record could not be verified (${error instanceof Error ? error.name : typeof error})`)
  }
}

/**
 * verifyStream with OCRA and Steam Guard records: `inner` streams the HOTP and TOTP records (read
 * from `records` as it asks for them); the others are verified on `kernel` as they are read, and
 * every result comes out in the records' order.
 */
export function withKernelSideStream<R>(
  kernel: Kernel,
  records: Iterable<R> | AsyncIterable<R>,
  inner: (records: Iterable<R> | AsyncIterable<R>) => AsyncIterable<Result>,
): AsyncIterable<Result> {
  const iterable =
    records !== null &&
    typeof records === 'object' &&
    (typeof (records as AsyncIterable<R>)[Symbol.asyncIterator] === 'function' ||
      typeof (records as Iterable<R>)[Symbol.iterator] === 'function')
  // Not iterable: the stream itself says what is wrong.
  if (!iterable) return inner(records)
  const ocra = ocraApi(kernel)
  const single = singleCodeApi(kernel)
  // In the records' order: a computed result, or undefined where the inner stream's next result goes.
  const order: ({ result: Result } | undefined)[] = []
  async function* plain(): AsyncGenerator<R> {
    for await (const record of records) {
      if (isKernelSideRecord(record)) order.push({ result: verifyOne(ocra, single, record) })
      else {
        order.push(undefined)
        yield record
      }
    }
  }
  return {
    async *[Symbol.asyncIterator]() {
      const results = inner(plain())[Symbol.asyncIterator]()
      try {
        for (;;) {
          while (order.length > 0 && order[0] !== undefined) yield order.shift()!.result
          const next = await results.next()
          if (next.done) {
            for (const slot of order.splice(0)) if (slot !== undefined) yield slot.result
            return
          }
          // Reading ahead may have computed results that come before this one.
          while (order[0] !== undefined) yield order.shift()!.result
          order.shift()
          yield next.value
        }
      } finally {
        await results.return?.()
      }
    },
  }
}

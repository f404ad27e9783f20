/**
 * verifyBatch with OCRA and Steam Guard records beside HOTP and TOTP ones. The HOTP and TOTP records
 * go to the executor as before (in groups, on the pool where there is one); the OCRA and Steam
 * Guard records are verified on the calling thread's kernel meanwhile (src/batch/ocra-records.ts),
 * since the pool's shards carry counter columns only. Results come back in the records' order.
 */
import type { OtpError } from '../core/errors.js'
import type { Kernel } from '../core/kernel.js'
import type { OcraApi } from '../core/ocra/ocra.js'
import { isKernelSideRecord, verifyKernelSideRecords } from '../batch/ocra-records.js'

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
  let side: number[] | undefined
  for (let i = 0; i < records.length; i++) if (isKernelSideRecord(records[i])) (side ??= []).push(i)
  if (side === undefined) return plain(records)
  const rest: R[] = []
  const restIndex: number[] = []
  let s = 0
  for (let i = 0; i < records.length; i++) {
    if (side[s] === i) s++
    else {
      rest.push(records[i]!)
      restIndex.push(i)
    }
  }
  // The executor starts on the plain records first; the kernel-side ones are computed meanwhile.
  const pending = rest.length > 0 ? plain(rest) : Promise.resolve([])
  const out = new Array<Result>(records.length)
  try {
    verifyKernelSideRecords(kernel, records, side, out)
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

/** Hand-made PackedBatches for the kernel suites: keys and records written out as plain values. */
import type { AlgorithmId, PackedBatch } from '../../src/core/kernel.js'

/** A 64-bit counter's high and low 32 bits, as they cross into the kernels. */
export const hi = (c: bigint): number => Number(c >> 32n)
export const lo = (c: bigint): number => Number(c & 0xffffffffn)

/** One record of a hand-made batch: its key's index, counter, code as an integer, digits and window. */
export interface Rec {
  key: number
  counter: bigint
  code: number
  digits: number
  behind: number
  ahead: number
}

export const rec = (key: number, counter: bigint, code: number, digits: number, behind = 0, ahead = 0): Rec => ({
  key,
  counter,
  code,
  digits,
  behind,
  ahead,
})

/** Keys back to back, as a PackedBatch (and BatchBuilder.addKeys) holds them: key i is bytes[offsets[i], offsets[i + 1]). */
export function packKeys(keys: readonly Uint8Array[]): { bytes: Uint8Array; offsets: Uint32Array } {
  const offsets = new Uint32Array(keys.length + 1)
  keys.forEach((key, i) => (offsets[i + 1] = offsets[i]! + key.length))
  const bytes = new Uint8Array(offsets[keys.length]!)
  keys.forEach((key, i) => bytes.set(key, offsets[i]))
  return { bytes, offsets }
}

/** A PackedBatch of `keys` (each with its algorithm) and `records`, column by column. */
export function pack(keys: { alg: AlgorithmId; key: Uint8Array }[], records: Rec[]): PackedBatch {
  const { bytes, offsets } = packKeys(keys.map(({ key }) => key))
  const col = <T>(Type: { from(a: number[]): T }, f: (r: Rec) => number) => Type.from(records.map(f))
  return {
    count: records.length,
    keyBytes: bytes,
    keyOffsets: offsets,
    keyAlgorithms: Uint8Array.from(keys.map((k) => k.alg)),
    keyIndex: col(Uint32Array, (r) => r.key),
    counterHi: col(Uint32Array, (r) => hi(r.counter)),
    counterLo: col(Uint32Array, (r) => lo(r.counter)),
    code: col(Uint32Array, (r) => r.code),
    digits: col(Uint8Array, (r) => r.digits),
    behind: col(Uint32Array, (r) => r.behind),
    ahead: col(Uint32Array, (r) => r.ahead),
  }
}

/**
 * Prepared keys in the kernels: every backend writes the same midstates (the portable layout of
 * PREPARED_KEY_BYTES), computes from them exactly what it computes from the key, takes them in
 * batches in place of keys, and leaves neither key nor midstates in WASM memory after a call.
 */
import { describe, expect, it } from 'vitest'
import { PREPARED_KEY, PREPARED_KEY_BYTES, type AlgorithmId, type Kernel } from '../src/core/kernel.js'
import type { WasmExports } from '../src/kernels/wasm.js'
import { BACKENDS, kernelFor } from './helpers/backends.js'
import { pack, rec } from './helpers/packed.js'
import { EDGE_KEY_LENGTHS, referenceHotp, rng, ALGORITHMS } from './helpers/reference.js'
import { findBytes } from './helpers/find-bytes.js'

const kernels = Object.fromEntries(BACKENDS.map((name) => [name, kernelFor(name)]))
const ALG_IDS: AlgorithmId[] = [0, 1, 2]

function prepared(kernel: Kernel, alg: AlgorithmId, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(PREPARED_KEY_BYTES)
  kernel.prepareKey(alg, key, out)
  return out
}

/** A prepared key as the single-key entry points take it. */
const wordsOf = (state: Uint8Array) => new Uint32Array(state.buffer, state.byteOffset, state.length / 4)

describe('prepared keys: one layout on every backend', () => {
  it('writes the same midstates on every backend, for keys around and past the block', () => {
    const r = rng(0x9e9)
    for (const length of EDGE_KEY_LENGTHS) {
      for (const alg of ALG_IDS) {
        const key = r.bytes(length)
        const [first, ...rest] = Object.values(kernels).map((k) => prepared(k, alg, key))
        for (const other of rest) expect(other).toEqual(first)
        // Words past the hash's state are zero; the states themselves are not.
        const words = alg === 0 ? 20 : alg === 1 ? 32 : 64
        expect(first!.subarray(words, 64).every((b) => b === 0)).toBe(true)
        expect(first!.subarray(64 + words).every((b) => b === 0)).toBe(true)
        expect(first!.subarray(0, words).some((b) => b !== 0)).toBe(true)
      }
    }
  })
})

describe.each(BACKENDS)('%s kernel: prepared entry points', (name) => {
  const kernel = kernels[name]!
  // Midstates made by another backend: the layout is shared, so they must work here too.
  const maker = kernels[name === 'js' ? 'wasm' : 'js']!

  it('hotpPrepared agrees with hotp and node:crypto on 1,000 random cases', () => {
    const r = rng(0x5ee1)
    for (let i = 0; i < 1000; i++) {
      const alg = r.pick(ALG_IDS)
      const key = r.bytes(i % 3 === 0 ? r.pick(EDGE_KEY_LENGTHS) : r.int(1, 200))
      const counter = r.u64()
      const digits = r.int(6, 10)
      const hi = Number(counter >> 32n)
      const lo = Number(counter & 0xffffffffn)
      const state = prepared(i % 2 ? kernel : maker, alg, key)
      const got = kernel.hotpPrepared(alg, wordsOf(state), hi, lo, digits)
      expect(got).toBe(kernel.hotp(alg, key, hi, lo, digits))
      expect(String(got).padStart(digits, '0')).toBe(referenceHotp(ALGORITHMS[alg]!, key, counter, digits))
    }
  })

  it('verifyPrepared and scanPrepared agree with verify and scan', () => {
    const r = rng(0x7a7)
    for (let i = 0; i < 200; i++) {
      const alg = r.pick(ALG_IDS)
      const key = r.bytes(r.int(1, 140))
      const state = prepared(maker, alg, key)
      const base = BigInt(r.int(10, 2 ** 33))
      const hi = Number(base >> 32n)
      const lo = Number(base & 0xffffffffn)
      const behind = r.int(0, 5)
      const ahead = r.int(0, 5)
      const d = r.int(-behind - 1, ahead + 1)
      const code = Number(referenceHotp(ALGORITHMS[alg]!, key, base + BigInt(d), 6))
      const expected = kernel.verify(alg, key, hi, lo, code, 6, behind, ahead)
      expect(kernel.verifyPrepared(alg, wordsOf(state), hi, lo, code, 6, behind, ahead)).toBe(expected)
      if (d >= -behind && d <= ahead) expect(expected).not.toBe(0x7fffffff)
      const codes = [0n, 1n].map((j) => Number(referenceHotp(ALGORITHMS[alg]!, key, base + 7n + j, 6)))
      expect(kernel.scanPrepared(alg, wordsOf(state), hi, lo, 20, codes, 6)).toBe(kernel.scan(alg, key, hi, lo, 20, codes, 6))
      expect(kernel.scanPrepared(alg, wordsOf(state), hi, lo, 20, codes, 6)).toBeLessThanOrEqual(7)
    }
  })

  it('takes prepared keys in batches, with no key setup, and answers as with the keys', () => {
    const r = rng(0xba7c)
    const keys = Array.from({ length: 24 }, (_, k) => ({ alg: ALG_IDS[k % 3]!, key: r.bytes(r.pick(EDGE_KEY_LENGTHS)) }))
    const records = Array.from({ length: 300 }, (_, i) => {
      const k = r.int(0, keys.length - 1)
      const counter = BigInt(r.int(5, 2 ** 40))
      const d = r.int(-2, 2)
      const code = Number(referenceHotp(ALGORITHMS[keys[k]!.alg]!, keys[k]!.key, counter + BigInt(d), 6))
      return rec(k, counter, code, 6, i % 4 === 0 ? 0 : 2, i % 5 === 0 ? 0 : 2)
    })
    const raw = pack(keys, records)
    // Every other key prepared: a batch mixes both kinds.
    const mixed = pack(
      keys.map(({ alg, key }, k) => (k % 2 ? { alg: (alg + PREPARED_KEY) as AlgorithmId, key: prepared(maker, alg, key) } : { alg, key })),
      records,
    )
    const want = new Int32Array(records.length)
    const got = new Int32Array(records.length)
    kernel.verifyBatch(raw, want)
    kernel.verifyBatch(mixed, got)
    expect(got).toEqual(want)
    const wantCodes = new Uint32Array(records.length)
    const gotCodes = new Uint32Array(records.length)
    kernel.generateBatch(raw, wantCodes)
    kernel.generateBatch(
      pack(
        keys.map(({ alg, key }) => ({ alg: (alg + PREPARED_KEY) as AlgorithmId, key: prepared(maker, alg, key) })),
        records,
      ),
      gotCodes,
    )
    expect(gotCodes).toEqual(wantCodes)
  })
})

describe.each(['wasm-simd', 'wasm'] as const)('%s kernel: room for prepared batch keys', (name) => {
  it('takes as many prepared keys in one call as raw ones (KEY_CAPACITY of 128 bytes each)', () => {
    // With less room a chunk of prepared keys would end at a fraction of KEY_CAPACITY keys, and a batch
    // over more users than that would copy and set up a key for nearly every record.
    const x = (kernelFor(name) as unknown as { x: WasmExports }).x
    expect(x.KEY_BYTES_CAPACITY.value).toBeGreaterThanOrEqual((x.KEY_CAPACITY.value as number) * PREPARED_KEY_BYTES)
  })
})

describe.each(['wasm-simd', 'wasm'] as const)('%s kernel memory after prepared calls', (name) => {
  it('holds neither the key nor any word of its midstates', () => {
    const kernel = kernelFor(name)
    // The instance's memory, read as a test may: the kernel keeps its exports private.
    const memory = (kernel as unknown as { x: WasmExports }).x.memory
    const r = rng(0xd15)
    for (const alg of ALG_IDS) {
      for (const length of [20, 64, 129]) {
        const key = r.bytes(length)
        const state = prepared(kernel, alg, key)
        kernel.hotpPrepared(alg, wordsOf(state), 0, 1, 6)
        kernel.verifyPrepared(alg, wordsOf(state), 0, 100, 123456, 6, 3, 3)
        // One vector and a lone scalar counter (SHA-1, SHA-256): each path wipes what it wrote.
        kernel.verifyPrepared(alg, wordsOf(state), 0, 100, 123456, 6, 2, 2)
        kernel.verifyPrepared(alg, wordsOf(state), 0, 100, 123456, 6, 1, 1)
        kernel.scanPrepared(alg, wordsOf(state), 0, 0, 50, [123456, 654321], 6)
        const batch = pack(
          [
            { alg: (alg + PREPARED_KEY) as AlgorithmId, key: state },
            { alg, key },
          ],
          [rec(0, 5n, 1, 6, 2, 2), rec(1, 9n, 1, 6, 1, 1)],
        )
        kernel.verifyBatch(batch, new Int32Array(2))
        kernel.generateBatch(batch, new Uint32Array(2))
        const bytes = new Uint8Array(memory.buffer)
        expect(findBytes(bytes, key.subarray(0, 16))).toBe(-1)
        // Each 4-byte word of either midstate, anywhere (lanes hold words 16 bytes apart).
        const words = alg === 0 ? 20 : alg === 1 ? 32 : 64
        for (const half of [0, 64]) {
          for (let w = half; w < half + words; w += 4) expect(findBytes(bytes, state.subarray(w, w + 4)), `word ${w}`).toBe(-1)
        }
      }
    }
  })
})

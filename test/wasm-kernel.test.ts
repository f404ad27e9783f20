// The scalar WASM build's own concerns: what it leaves in its memory, and how it is loaded. What every
// kernel must compute is in kernel.test.ts.
import { describe, expect, it } from 'vitest'
import { createWasmKernel, instantiateWasm } from '../src/kernels/wasm.js'
import { loadWasmModule, loadWasmModuleSync } from '../src/kernels/wasm-load.js'
import { OtpError } from '../src/core/errors.js'
import type { AlgorithmId } from '../src/core/kernel.js'

const HASHES = ['sha1', 'sha256', 'sha512'] as const
const ALG_IDS: AlgorithmId[] = [0, 1, 2]
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('wasm kernel: memory and loading', () => {
  it('leaves no key material in kernel memory after single calls and batches', () => {
    const x = instantiateWasm(loadWasmModuleSync())
    const bytes = () => new Uint8Array(x.memory.buffer)
    const before = bytes().slice()
    const at = (name: keyof typeof x) => (x[name] as WebAssembly.Global).value as number
    const records = at('RECORD_CAPACITY')
    // Regions that hold no secret and may keep what the host wrote or the kernel returned.
    const open: [number, number][] = [
      ...(['REC_KEY', 'REC_HI', 'REC_LO', 'REC_CODE', 'REC_BEHIND', 'REC_AHEAD', 'REC_OUT'] as const).map((n): [number, number] => [
        at(n),
        at(n) + 4 * records,
      ]),
      [at('REC_DIGITS'), at('REC_DIGITS') + records],
      [at('KEY_OFFSETS'), at('KEY_OFFSETS') + 4 * (at('KEY_CAPACITY') + 1)],
      [at('KEY_ALGORITHMS'), at('KEY_ALGORITHMS') + at('KEY_CAPACITY')],
      [at('CODES'), at('CODES') + 4 * at('CODES_CAPACITY')],
    ]
    const leftovers = () => {
      const now = bytes()
      let n = 0
      for (let i = 0; i < now.length; i++) {
        if (now[i] !== before[i] && !open.some(([a, b]) => i >= a && i < b)) n++
      }
      return n
    }
    const key = new Uint8Array(200).fill(0xa5)
    for (const alg of ALG_IDS) {
      bytes().set(key.subarray(0, 100 + alg * 50), at('KEY_BYTES'))
      x.setKey(alg, 100 + alg * 50)
      x.hotp(alg, 0, 1, 6)
      x.scan(alg, 0, 0, 100, 1, 6)
      x.verify(alg, 0, 5, 123456, 6, 2, 2)
      x.clearKey()
      expect(leftovers(), HASHES[alg]).toBe(0)
    }
    // A batch of three keys, one per algorithm, one of them longer than a block.
    const u32 = new Uint32Array(x.memory.buffer)
    bytes().set(key, at('KEY_BYTES'))
    u32.set([0, 20, 60, 200], at('KEY_OFFSETS') >>> 2)
    bytes().set([0, 1, 2], at('KEY_ALGORITHMS'))
    u32.set([0, 1, 2], at('REC_KEY') >>> 2)
    bytes().set([6, 8, 10], at('REC_DIGITS'))
    x.verifyBatch(3, 3)
    expect(leftovers()).toBe(0)
    bytes().set(key, at('KEY_BYTES'))
    x.generateBatch(3, 3)
    expect(leftovers()).toBe(0)
  })

  it('compiles once per process, and loads asynchronously too', async () => {
    expect(loadWasmModuleSync()).toBe(loadWasmModuleSync())
    const module = await loadWasmModule()
    const other = createWasmKernel(module)
    expect(other.backend).toBe('wasm')
    expect(other.hotp(0, ascii('12345678901234567890'), 0, 1, 6)).toBe(287082)
  })

  it('reports WASM_UNAVAILABLE for bytes that do not compile or lack the exports', async () => {
    await expect(loadWasmModule(new Uint8Array([0, 1, 2, 3]))).rejects.toMatchObject({ code: 'WASM_UNAVAILABLE' })
    const empty = new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))
    expect(() => instantiateWasm(empty)).toThrow(OtpError)
    expect(() => createWasmKernel(empty)).toThrow(expect.objectContaining({ code: 'WASM_UNAVAILABLE' }))
  })
})

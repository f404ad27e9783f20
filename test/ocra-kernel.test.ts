// The kernels' HMAC of longer messages (Kernel.mac, macWindow, macBatch) on every backend against
// node:crypto: message lengths around the block and padding edges, windows over counter and time
// fields, and batches larger than one kernel call.
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { NO_MATCH, windowMatch, type AlgorithmId, type MessageWindow } from '../src/core/kernel.js'
import { instantiateWasm } from '../src/kernels/wasm.js'
import { loadWasmModuleSync } from '../src/kernels/wasm-load.js'
import { wasmMessageKernel } from '../src/kernels/wasm-message.js'
import { BACKENDS, kernelFor } from './helpers/backends.js'
import { EDGE_KEY_LENGTHS, rng } from './helpers/reference.js'

const HASHES = ['sha1', 'sha256', 'sha512'] as const
const ref = (alg: AlgorithmId, key: Uint8Array, message: Uint8Array) => createHmac(HASHES[alg], key).update(message).digest()
const value = (mac: Buffer) => mac.readUInt32BE(mac[mac.length - 1]! & 0xf) & 0x7fffffff
const LENGTHS = [0, 1, 55, 56, 63, 64, 65, 111, 112, 119, 120, 127, 128, 129, 200, 767, 4096]

describe.each(BACKENDS)('message HMAC on %s', (backend) => {
  const kernel = kernelFor(backend)
  const r = rng(42)

  it('mac agrees with node:crypto around every padding edge, and leaves its inputs alone', () => {
    for (const alg of [0, 1, 2] as AlgorithmId[]) {
      for (const length of LENGTHS) {
        const key = r.bytes(r.pick(EDGE_KEY_LENGTHS))
        const message = r.bytes(length)
        const [keyCopy, messageCopy] = [key.slice(), message.slice()]
        const out = new Uint8Array(64)
        const want = ref(alg, key, message)
        expect(kernel.mac(alg, key, message, out), `${alg} ${length} truncation`).toBe(value(want))
        expect(Buffer.from(out.subarray(0, want.length)).equals(want), `${alg} ${length}`).toBe(true)
        // Without `out`, the same truncation and nothing else.
        expect(kernel.mac(alg, key, message), `${alg} ${length} truncation alone`).toBe(value(want))
        expect(key).toEqual(keyCopy)
        expect(message).toEqual(messageCopy)
      }
    }
  })

  it('mac agrees with node:crypto for every key length of every hash, on OCRA-shaped messages with zero blocks', () => {
    // A suite, its 0x00, a short question and the question field's zero tail: whole zero blocks and
    // a last block of zeros before the padding, the shape every QN or QH suite hashes.
    for (const alg of [0, 1, 2] as AlgorithmId[]) {
      for (const keyLength of EDGE_KEY_LENGTHS) {
        for (const length of [152, 153, 160, 300]) {
          const key = r.bytes(keyLength)
          const message = new Uint8Array(length)
          message.set(r.bytes(28))
          const out = new Uint8Array(64)
          kernel.mac(alg, key, message, out)
          const want = ref(alg, key, message)
          expect(Buffer.from(out.subarray(0, want.length)).equals(want), `${alg} key ${keyLength} message ${length}`).toBe(true)
        }
      }
    }
  })

  it('macWindow finds the preferred candidate of counter and time windows, or NO_MATCH', () => {
    for (let i = 0; i < 60; i++) {
      const alg = r.pick([0, 1, 2] as AlgorithmId[])
      const key = r.bytes(r.pick(EDGE_KEY_LENGTHS))
      const length = r.int(16, 900)
      const message = r.bytes(length)
      const counterAt = r.next() < 0.7 ? r.int(0, length - 8) : -1
      let timeAt = r.next() < 0.7 ? r.int(0, length - 8) : -1
      if (counterAt >= 0 && timeAt >= 0 && Math.abs(timeAt - counterAt) < 8) timeAt = -1
      const counter = r.u64() >> 1n
      const step = BigInt(r.int(10, 2 ** 40))
      const window: MessageWindow = {
        counterAt,
        counterHi: Number(counter >> 32n),
        counterLo: Number(counter & 0xffffffffn),
        ahead: counterAt >= 0 ? r.int(0, 4) : 0,
        timeAt,
        timeHi: Number(step >> 32n),
        timeLo: Number(step & 0xffffffffn),
        behind: timeAt >= 0 ? r.int(0, 3) : 0,
        timeAhead: timeAt >= 0 ? r.int(0, 3) : 0,
      }
      const digits = r.pick([0, 4, 6, 8, 10])
      // The target: a random candidate (or none); a duplicate of it later in the order must not win.
      const c = r.int(0, window.ahead)
      const t = r.int(-window.behind, window.timeAhead)
      const at = (cd: number, td: number) => {
        const m = Buffer.from(message)
        if (counterAt >= 0) m.writeBigUInt64BE(counter + BigInt(cd), counterAt)
        if (timeAt >= 0) m.writeBigUInt64BE(step + BigInt(td), timeAt)
        return ref(alg, key, m)
      }
      const mac = at(c, t)
      const miss = r.next() < 0.2
      const code = miss ? 0x7fffffff : digits === 0 ? 0 : value(mac) % 10 ** digits
      const expected = digits === 0 ? (miss ? new Uint8Array(64) : mac) : undefined
      const got = kernel.macWindow(alg, key, message, window, code, digits, expected)
      // The rule by brute force: smallest c, then |t| with the negative first.
      let want = NO_MATCH
      search: for (let cd = 0; cd <= window.ahead; cd++) {
        for (let m = 0; m <= Math.max(window.behind, window.timeAhead); m++) {
          for (const td of m === 0 ? [0] : [-m, m]) {
            if (td < -window.behind || td > window.timeAhead) continue
            const h = at(cd, td)
            const hit = digits === 0 ? h.equals(Buffer.from(expected!.subarray(0, h.length))) : value(h) % 10 ** digits === code
            if (hit) {
              want = windowMatch(cd, td)
              break search
            }
          }
        }
      }
      expect(got, `case ${i}`).toBe(want)
      if (!miss) expect(got).not.toBe(NO_MATCH)
    }
  })

  it.each([0, 1, 2] as AlgorithmId[])('macBatch of one hash (%i): rows in lanes and the rows after them, keys short and long', (alg) => {
    const count = 1003
    const template = r.bytes(r.pick([40, 152, 300]))
    const patchAt = r.int(0, 10)
    const patchLength = template.length - patchAt
    const patches = r.bytes(count * patchLength)
    const lengths = Array.from({ length: count }, (_, i) => (i % 50 === 7 ? 200 : r.pick([1, 20, 32, 64])))
    const keyOffsets = new Uint32Array(count + 1)
    for (let k = 0; k < count; k++) keyOffsets[k + 1] = keyOffsets[k]! + lengths[k]!
    const keyBytes = r.bytes(keyOffsets[count]!)
    const keyAlgorithms = new Uint8Array(count).fill(alg)
    // Records of one key next to each other too (a key used by several lanes of a vector).
    const keyIndex = Uint32Array.from({ length: count }, (_, i) => (i >= 100 && i < 110 ? 100 : i))
    const out = new Uint32Array(count)
    kernel.macBatch({ count, keyBytes, keyOffsets, keyAlgorithms, keyIndex, template, patchAt, patchLength, patches }, out)
    for (let i = 0; i < count; i++) {
      const k = keyIndex[i]!
      const message = Buffer.from(template)
      message.set(patches.subarray(i * patchLength, (i + 1) * patchLength), patchAt)
      expect(out[i], `row ${i}`).toBe(value(ref(alg, keyBytes.subarray(keyOffsets[k], keyOffsets[k + 1]), message)))
    }
  })

  it.each([0, 1, 2] as AlgorithmId[])('macBatch over templates with zero blocks, patched or not (%i)', (alg) => {
    // A QN08-like template (suite, 0x00, then zeros) with patches that stay in the first block, end
    // in a zero block, or reach a block only partly: the kernels skip the schedule of a zero block
    // only where no row's patch can change it.
    for (const [length, patchAt, patchLength] of [
      [152, 23, 8],
      [152, 60, 8],
      [200, 64, 1],
      [256, 127, 2],
      [300, 0, 0],
    ] as const) {
      const template = new Uint8Array(length)
      template.set(r.bytes(23))
      const count = 37
      const patches = r.bytes(count * patchLength)
      const keyOffsets = Uint32Array.from({ length: count + 1 }, (_, k) => 20 * k)
      const keyBytes = r.bytes(20 * count)
      const keyIndex = Uint32Array.from({ length: count }, (_, i) => i)
      const out = new Uint32Array(count)
      const batch = {
        count,
        keyBytes,
        keyOffsets,
        keyAlgorithms: new Uint8Array(count).fill(alg),
        keyIndex,
        template,
        patchAt,
        patchLength,
        patches,
      }
      kernel.macBatch(batch, out)
      for (let i = 0; i < count; i++) {
        const message = Buffer.from(template)
        message.set(patches.subarray(i * patchLength, (i + 1) * patchLength), patchAt)
        expect(out[i], `${length} ${patchAt}+${patchLength} row ${i}`).toBe(
          value(ref(alg, keyBytes.subarray(20 * i, 20 * i + 20), message)),
        )
      }
    }
  })

  it('macBatch gives each row its own key and patch, across kernel chunks', () => {
    const count = 70_000
    const template = r.bytes(150)
    const patchAt = 20
    const patchLength = 17
    const patches = r.bytes(count * patchLength)
    const keys = 30_000
    const keyLengths = Array.from({ length: keys }, () => r.pick([1, 20, 64, 65, 129]))
    const keyOffsets = new Uint32Array(keys + 1)
    for (let k = 0; k < keys; k++) keyOffsets[k + 1] = keyOffsets[k]! + keyLengths[k]!
    const keyBytes = r.bytes(keyOffsets[keys]!)
    const keyAlgorithms = Uint8Array.from({ length: keys }, () => r.int(0, 2))
    const keyIndex = Uint32Array.from({ length: count }, (_, i) => (i < 1000 ? i % 7 : r.int(0, keys - 1)))
    const out = new Uint32Array(count)
    kernel.macBatch({ count, keyBytes, keyOffsets, keyAlgorithms, keyIndex, template, patchAt, patchLength, patches }, out)
    for (const i of [
      0,
      1,
      6,
      999,
      1000,
      32767,
      32768,
      61680,
      65535,
      65536,
      69999,
      ...Array.from({ length: 200 }, () => r.int(0, count - 1)),
    ]) {
      const k = keyIndex[i]!
      const message = Buffer.from(template)
      message.set(patches.subarray(i * patchLength, (i + 1) * patchLength), patchAt)
      const key = keyBytes.subarray(keyOffsets[k], keyOffsets[k + 1])
      expect(out[i], `row ${i}`).toBe(value(ref(keyAlgorithms[k] as AlgorithmId, key, message)))
    }
  })
})

describe.each(['wasm-simd', 'wasm'] as const)('message HMAC on %s: kernel memory', (flavor) => {
  it('mac, macWindow and macBatch leave no key or message bytes in kernel memory', () => {
    const x = instantiateWasm(loadWasmModuleSync(flavor))
    const kernel = wasmMessageKernel(x as unknown as WebAssembly.Exports)
    const bytes = () => new Uint8Array(x.memory.buffer)
    const before = bytes().slice()
    const at = (name: string) => (x as unknown as Record<string, WebAssembly.Global>)[name]!.value as number
    const records = at('RECORD_CAPACITY')
    // Regions that hold no secret: the batch's key numbering and its truncated values.
    const open: [number, number][] = [
      [at('REC_KEY'), at('REC_KEY') + 4 * records],
      [at('REC_OUT'), at('REC_OUT') + 4 * records],
      [at('KEY_OFFSETS'), at('KEY_OFFSETS') + 4 * (at('KEY_CAPACITY') + 1)],
      [at('KEY_ALGORITHMS'), at('KEY_ALGORITHMS') + at('KEY_CAPACITY')],
    ]
    const leftovers = () => {
      const now = bytes()
      let n = 0
      for (let i = 0; i < now.length; i++) if (now[i] !== before[i] && !open.some(([a, b]) => i >= a && i < b)) n++
      return n
    }
    const r = rng(7)
    for (const alg of [0, 1, 2] as AlgorithmId[]) {
      for (const keyLength of [20, 64, 65, 200]) {
        const key = r.bytes(keyLength)
        const message = r.bytes(152)
        kernel.mac(alg, key, message, new Uint8Array(64))
        expect(leftovers(), `mac ${alg} ${keyLength}`).toBe(0)
        kernel.mac(alg, key, message)
        expect(leftovers(), `mac without the digest ${alg} ${keyLength}`).toBe(0)
        const window: MessageWindow = {
          counterAt: 24,
          counterHi: 0,
          counterLo: 5,
          ahead: 2,
          timeAt: 100,
          timeHi: 0,
          timeLo: 9,
          behind: 1,
          timeAhead: 1,
        }
        kernel.macWindow(alg, key, message, window, 123456, 6)
        kernel.macWindow(alg, key, message, window, 0, 0, r.bytes(64))
        expect(leftovers(), `macWindow ${alg} ${keyLength}`).toBe(0)
      }
    }
    const count = 9
    const keyOffsets = Uint32Array.from({ length: count + 1 }, (_, k) => 20 * k)
    kernel.macBatch(
      {
        count,
        keyBytes: r.bytes(20 * count),
        keyOffsets,
        keyAlgorithms: Uint8Array.from({ length: count }, (_, k) => k % 2),
        keyIndex: Uint32Array.from({ length: count }, (_, i) => i),
        template: r.bytes(152),
        patchAt: 24,
        patchLength: 7,
        patches: r.bytes(7 * count),
      },
      new Uint32Array(count),
    )
    expect(leftovers(), 'macBatch').toBe(0)
  })
})

// The SIMD build (build/otp-simd.wasm, assembly/index.simd.ts): the same exports as the scalar build,
// the RFC vectors and node:crypto on its lane paths, and bit-for-bit agreement with the scalar build
// on random inputs placed where lanes can go wrong: counters crossing 2^32 inside a vector, windows
// and scans that do not fill their last vector, matches in every lane, batches mixing algorithms.
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { createWasmKernel, instantiateWasm, SCAN_CHUNK } from '../src/kernels/wasm.js'
import { loadWasmModule, loadWasmModuleSync } from '../src/kernels/wasm-load.js'
import { NO_MATCH, type AlgorithmId, type Kernel } from '../src/core/kernel.js'
import { hi, lo, pack, rec, type Rec } from './helpers/packed.js'
import { EDGE_KEY_LENGTHS, referenceHotpValue as refHotp, rng } from './helpers/reference.js'

const HASHES = ['sha1', 'sha256', 'sha512'] as const
const ALG_IDS: AlgorithmId[] = [0, 1, 2]
const TWO_32 = 1n << 32n
const TOP = (1n << 64n) - 1n

const simdModule = loadWasmModuleSync('wasm-simd')
const simd = createWasmKernel(simdModule, 'wasm-simd')
const scalar = createWasmKernel(loadWasmModuleSync('wasm'), 'wasm')

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s)

const hotp = (k: Kernel, alg: AlgorithmId, key: Uint8Array, c: bigint, digits: number) => k.hotp(alg, key, hi(c), lo(c), digits)
const verify = (k: Kernel, alg: AlgorithmId, key: Uint8Array, c: bigint, code: number, digits: number, behind: number, ahead: number) =>
  k.verify(alg, key, hi(c), lo(c), code, digits, behind, ahead)
const scan = (k: Kernel, alg: AlgorithmId, key: Uint8Array, from: bigint, count: number, codes: number[], digits: number) =>
  k.scan(alg, key, hi(from), lo(from), count, codes, digits)
const codesAt = (alg: AlgorithmId, key: Uint8Array, c: bigint, n: number, digits: number) =>
  Array.from({ length: n }, (_, j) => refHotp(alg, key, c + BigInt(j), digits))

describe('wasm-simd kernel: the build', () => {
  it('has exactly the exports of the scalar build, and uses SIMD', () => {
    const shape = (m: WebAssembly.Module) =>
      WebAssembly.Module.exports(m)
        .map(({ name, kind }) => `${kind} ${name}`)
        .sort()
    expect(shape(simdModule)).toEqual(shape(loadWasmModuleSync('wasm')))
    expect(WebAssembly.Module.imports(simdModule)).toEqual([])
    expect(simd.backend).toBe('wasm-simd')
    // The same exports, and the same capacities.
    const a = instantiateWasm(simdModule)
    const b = instantiateWasm(loadWasmModuleSync('wasm'))
    for (const name of ['RECORD_CAPACITY', 'KEY_CAPACITY', 'KEY_BYTES_CAPACITY', 'CODES_CAPACITY', 'NO_MATCH'] as const) {
      expect(a[name].value, name).toBe(b[name].value)
    }
  })

  it('compiles once per process, and loads asynchronously too', async () => {
    expect(loadWasmModuleSync('wasm-simd')).toBe(simdModule)
    const module = await loadWasmModule(undefined, 'wasm-simd')
    expect(module).toBe(simdModule)
    const other = createWasmKernel(module, 'wasm-simd')
    expect(other.verify(0, ascii('12345678901234567890'), 0, 1, 287082, 6, 1, 1)).toBe(0)
  })

  it('is what the default engine picks, and a runtime without SIMD falls back to the scalar build', () => {
    // WebAssembly.Module is patched to reject the SIMD file, as a runtime without SIMD would.
    const script = `
      import { readFileSync } from 'node:fs'
      const simdBytes = readFileSync('build/otp-simd.wasm')
      const Module = WebAssembly.Module
      if (process.env.NO_SIMD) WebAssembly.Module = function (bytes) {
        if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(simdBytes)) throw new WebAssembly.CompileError('SIMD unsupported')
        return new Module(bytes)
      }
      const { defaultBackend, hotp, verifyTotp, createEngine } = await import('./dist/index.js')
      const engine = await createEngine({ backend: 'wasm' })
      console.log(JSON.stringify({ backend: defaultBackend(), engine: engine.backend, hotp: hotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 9),
        verify: verifyTotp(new TextEncoder().encode('12345678901234567890'), '94287082', { time: 89, digits: 8 }) }))
    `
    const run = (env: Record<string, string>) =>
      JSON.parse(
        execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, ...env } }),
      )
    expect(run({})).toEqual({ backend: 'wasm-simd', engine: 'wasm-simd', hotp: '520489', verify: -1 })
    expect(run({ NO_SIMD: '1' })).toEqual({ backend: 'wasm', engine: 'wasm', hotp: '520489', verify: -1 })
  })
})

describe('wasm-simd kernel: RFC test vectors on the lane paths', () => {
  const rfc4226 = [755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489]
  const key = ascii('12345678901234567890')

  it('RFC 4226 appendix D through verify, scan and generateBatch', () => {
    rfc4226.forEach((code, c) => {
      expect(hotp(simd, 0, key, BigInt(c), 6)).toBe(code)
      expect(verify(simd, 0, key, BigInt(c), code, 6, 0, 0)).toBe(0)
      expect(verify(simd, 0, key, 0n, code, 6, 0, 9)).toBe(c)
      expect(scan(simd, 0, key, 0n, 10, [code], 6)).toBe(c)
    })
    const out = new Uint32Array(10)
    simd.generateBatch(
      pack(
        [{ alg: 0, key }],
        rfc4226.map((_, c) => rec(0, BigInt(c), 0, 6)),
      ),
      out,
    )
    expect(Array.from(out)).toEqual(rfc4226)
  })

  it('RFC 6238 appendix B (SHA-1, SHA-256, SHA-512) through generateBatch and verifyBatch', () => {
    const seed = '1234567890'.repeat(7)
    const keys = ALG_IDS.map((alg) => ({ alg, key: ascii(seed.slice(0, [20, 32, 64][alg])) }))
    const table: [number, number, number, number][] = [
      [59, 94287082, 46119246, 90693936],
      [1111111109, 7081804, 68084774, 25091201],
      [1111111111, 14050471, 67062674, 99943326],
      [1234567890, 89005924, 91819424, 93441116],
      [2000000000, 69279037, 90698825, 38618901],
      [20000000000, 65353130, 77737706, 47863826],
    ]
    const records = table.flatMap(([time, ...codes]) => ALG_IDS.map((alg) => rec(alg, BigInt(Math.floor(time / 30)), codes[alg]!, 8, 1, 1)))
    const out = new Uint32Array(records.length)
    simd.generateBatch(pack(keys, records), out)
    expect(Array.from(out)).toEqual(records.map((r) => r.code))
    const delta = new Int32Array(records.length)
    simd.verifyBatch(
      pack(
        keys,
        records.map((r) => ({ ...r, counter: r.counter + 1n })),
      ),
      delta,
    )
    expect(Array.from(delta)).toEqual(records.map(() => -1))
  })
})

describe('wasm-simd kernel: single calls agree with node:crypto and the scalar build', () => {
  it('hotp on 3,000 random keys, counters and digits', () => {
    const r = rng(4226)
    for (let i = 0; i < 3000; i++) {
      const alg = ALG_IDS[i % 3]!
      const key = r.bytes(i % 2 ? r.pick(EDGE_KEY_LENGTHS) : r.int(1, 300))
      const c = i % 4 === 0 ? TOP - BigInt(r.int(0, 3)) : r.u64()
      const digits = r.int(6, 10)
      expect(hotp(simd, alg, key, c, digits)).toBe(refHotp(alg, key, c, digits))
    }
  })

  it('verify: windows of every size modulo the lane count, across 2^32 and up to 2^64 - 1', () => {
    const r = rng(6238)
    let matched = 0
    for (let i = 0; i < 1500; i++) {
      const alg = ALG_IDS[i % 3]!
      const key = r.bytes(i % 5 === 0 ? r.pick(EDGE_KEY_LENGTHS) : r.int(1, 300))
      const behind = r.int(0, 9)
      const ahead = r.int(0, 9)
      const digits = r.int(6, 10)
      let base: bigint
      switch (i % 4) {
        case 0:
          base = TWO_32 + BigInt(r.int(-12, 12))
          break // the window crosses 2^32 inside a vector
        case 1:
          base = TOP - BigInt(r.int(0, 3))
          break
        case 2:
          base = BigInt(behind + r.int(0, 5))
          break
        default:
          base = BigInt(behind) + r.u64() / 2n
      }
      const room = TOP - base
      const reach = room < BigInt(ahead) ? Number(room) : ahead
      const d = r.int(-behind - 1, reach + 1)
      const at = base + BigInt(d)
      const code = r.int(0, 4) === 0 || at < 0n || at > TOP ? r.int(0, 10 ** 6) : refHotp(alg, key, at, digits)
      const expected = verify(scalar, alg, key, base, code, digits, behind, reach)
      expect(verify(simd, alg, key, base, code, digits, behind, reach), `case ${i}`).toBe(expected)
      if (expected !== NO_MATCH) matched++
    }
    expect(matched).toBeGreaterThan(700)
  })

  it('verify: the tie rule holds when a code repeats at several lanes of one window', () => {
    // With 1- and 2-digit codes (the kernels reduce by any power of 10; the public API allows 6 to
    // 10 digits) most windows hold several matches, so the winner depends on the tie rule alone.
    const r = rng(77)
    let ties = 0
    for (let i = 0; i < 600; i++) {
      const alg = ALG_IDS[i % 3]!
      const key = r.bytes(r.int(1, 80))
      const digits = r.int(1, 2)
      const behind = r.int(0, 9)
      const ahead = r.int(0, 9)
      const base = i % 2 ? TWO_32 + BigInt(r.int(-4, 4)) : BigInt(behind + r.int(0, 100))
      const code = r.int(0, 10 ** digits - 1)
      const matches = codesAt(alg, key, base - BigInt(behind), behind + ahead + 1, digits).filter((c) => c === code).length
      if (matches > 1) ties++
      expect(verify(simd, alg, key, base, code, digits, behind, ahead), `case ${i}`).toBe(
        verify(scalar, alg, key, base, code, digits, behind, ahead),
      )
    }
    expect(ties).toBeGreaterThan(50)
  })
})

describe('wasm-simd kernel: resync scan agrees with the scalar build', () => {
  const r = rng(74)

  it('finds matches in every lane position, at chunk edges and in the tail', () => {
    for (const alg of ALG_IDS) {
      const key = r.bytes(r.int(1, 200))
      const from = BigInt(r.int(0, 2 ** 40))
      const count = 2 * SCAN_CHUNK + 7 // the last 3 (or 1) counters do not fill a vector
      const at = [
        0,
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        SCAN_CHUNK - 2,
        SCAN_CHUNK - 1,
        SCAN_CHUNK,
        SCAN_CHUNK + 1,
        count - 4,
        count - 3,
        count - 2,
        count - 1,
      ]
      for (const offset of at) {
        const codes = codesAt(alg, key, from + BigInt(offset), 2, 8)
        expect(scan(simd, alg, key, from, count, codes, 8), `${HASHES[alg]} at ${offset}`).toBe(offset)
      }
      expect(scan(simd, alg, key, from, count, [123456789, 1], 9)).toBe(scan(scalar, alg, key, from, count, [123456789, 1], 9))
    }
  })

  it('crosses 2^32 inside a vector, and reaches 2^64 - 1', () => {
    for (const alg of ALG_IDS) {
      const key = r.bytes(32)
      for (let shift = 0; shift < 4; shift++) {
        const from = TWO_32 - 3n + BigInt(shift) // 2^32 falls in lane 3, 2, 1, 0 of the first vector
        for (const target of [TWO_32 - 1n, TWO_32, TWO_32 + 1n]) {
          if (target < from) continue
          const codes = codesAt(alg, key, target, 3, 8)
          expect(scan(simd, alg, key, from, 50, codes, 8)).toBe(Number(target - from))
        }
      }
      for (const n of [1, 2, 3, 5]) {
        for (const count of [1000, 1001, 1002, 1003]) {
          const from = TOP - BigInt(count - 1) - BigInt(n - 1)
          const codes = codesAt(alg, key, TOP - BigInt(n - 1), n, 8)
          expect(scan(simd, alg, key, from, count, codes, 8)).toBe(count - 1)
          expect(scan(simd, alg, key, from, count - 1, codes, 8)).toBe(-1)
        }
      }
    }
  })

  it('confirms candidates lane by lane: a false first match in a lower lane, the true one after it', () => {
    const key = r.bytes(20)
    for (const alg of ALG_IDS) {
      const codes = codesAt(alg, key, 0n, 30_000, 6)
      const seen = new Map<number, number>()
      let pair: [number, number] | undefined
      for (let c = 0; c < codes.length - 1 && !pair; c++) {
        const first = seen.get(codes[c]!)
        if (first !== undefined && codes[first + 1] !== codes[c + 1]) pair = [first, c]
        seen.set(codes[c]!, c)
      }
      expect(pair).toBeDefined()
      const [a, b] = pair!
      const want = [codes[b]!, codes[b + 1]!]
      for (let back = 0; back < 8; back++) {
        const from = BigInt(Math.max(0, a - back))
        const expected = scan(scalar, alg, key, from, b - Number(from) + 5, want, 6)
        expect(expected).toBe(b - Number(from))
        expect(scan(simd, alg, key, from, b - Number(from) + 5, want, 6)).toBe(expected)
        expect(scan(simd, alg, key, from, b - Number(from) + 5, [want[0]!], 6)).toBe(a - Number(from))
      }
    }
  })

  it('returns the lowest lane when several lanes of one vector match', () => {
    // 1-digit codes (kernel level only) match in about one lane in ten, often twice in a vector.
    for (let i = 0; i < 300; i++) {
      const alg = ALG_IDS[i % 3]!
      const key = r.bytes(20)
      const from = BigInt(r.int(0, 2 ** 40))
      const ncodes = r.int(1, 2)
      const codes = Array.from({ length: ncodes }, () => r.int(0, 9))
      const all = codesAt(alg, key, from, 64 + ncodes, 1)
      const expected = all.findIndex((_, i) => i < 64 && codes.every((c, j) => all[i + j] === c))
      expect(scan(simd, alg, key, from, 64, codes, 1), `case ${i}`).toBe(expected)
    }
  })

  it('agrees on random scans with up to 16 codes and every digit count', () => {
    for (let i = 0; i < 120; i++) {
      const alg = ALG_IDS[i % 3]!
      const key = r.bytes(r.int(1, 300))
      const digits = r.int(6, 10)
      const from = i % 2 ? r.u64() / 2n : BigInt(r.int(0, 1000))
      const count = r.int(1, 3000)
      const ncodes = r.int(1, 16)
      const codes =
        i % 3 === 0
          ? Array.from({ length: ncodes }, () => r.int(0, 10 ** 6))
          : codesAt(alg, key, from + BigInt(r.int(0, count + 3)), ncodes, digits)
      expect(scan(simd, alg, key, from, count, codes, digits), `case ${i}`).toBe(scan(scalar, alg, key, from, count, codes, digits))
    }
  })
})

describe('wasm-simd kernel: batches agree with the scalar build', () => {
  const r = rng(2104)

  /** Keys of mixed algorithms and lengths, records in random key order, windows of 0 to 4 each way. */
  function workload(nkeys: number, nrecords: number, keyLength: () => number, algs: AlgorithmId[] = ALG_IDS) {
    const keys = Array.from({ length: nkeys }, () => ({ alg: r.pick(algs), key: r.bytes(keyLength()) }))
    const records = Array.from({ length: nrecords }, (_, i): Rec => {
      const key = i < nkeys ? i : r.int(0, nkeys - 1)
      const behind = r.int(0, 4)
      const ahead = r.int(0, 4)
      const digits = r.int(6, 10)
      let counter: bigint
      switch (i % 5) {
        case 0:
          counter = TWO_32 + BigInt(r.int(-6, 6))
          break
        case 1:
          counter = TOP - BigInt(r.int(0, 4))
          break
        default:
          counter = BigInt(behind) + BigInt(r.int(0, 2 ** 31))
      }
      const reach = TOP - counter < BigInt(ahead) ? Number(TOP - counter) : ahead
      const { alg, key: bytes } = keys[key]!
      const code = r.int(0, 4) === 0 ? r.int(0, 999_999) : refHotp(alg, bytes, counter + BigInt(r.int(-behind, reach)), digits)
      return { key, counter, code, digits, behind, ahead: reach }
    })
    return { keys, records, batch: pack(keys, records) }
  }

  function agree({ keys, records, batch }: ReturnType<typeof workload>, referenceEvery: number) {
    const a = new Int32Array(batch.count)
    const b = new Int32Array(batch.count)
    simd.verifyBatch(batch, a)
    scalar.verifyBatch(batch, b)
    expect(a).toEqual(b)
    const ga = new Uint32Array(batch.count)
    const gb = new Uint32Array(batch.count)
    simd.generateBatch(batch, ga)
    scalar.generateBatch(batch, gb)
    expect(ga).toEqual(gb)
    for (let i = 0; i < records.length; i += referenceEvery) {
      const { alg, key } = keys[records[i]!.key]!
      expect(ga[i]).toBe(refHotp(alg, key, records[i]!.counter, records[i]!.digits))
    }
    return a
  }

  it('record counts that do not fill the last vector, one algorithm or mixed', () => {
    for (const n of [1, 2, 3, 4, 5, 6, 7, 9, 13, 31]) {
      for (const algs of [[0], [1], [2], ALG_IDS] as AlgorithmId[][]) {
        agree(
          workload(Math.max(1, n >> 1), n, () => r.int(1, 300), algs),
          1,
        )
      }
    }
  })

  it('keys of every length around the blocks, set up in lanes or hashed first', () => {
    for (const len of EDGE_KEY_LENGTHS)
      agree(
        workload(11, 40, () => len),
        3,
      )
    agree(
      workload(200, 1000, () => r.pick(EDGE_KEY_LENGTHS)),
      7,
    )
  })

  it('many records of few keys, and many distinct keys (TOTP window 1)', () => {
    const deltas = agree(
      workload(3, 2000, () => 20),
      13,
    )
    expect(deltas.some((d) => d !== NO_MATCH)).toBe(true)
    const work = workload(3000, 3000, () => 20)
    work.records.forEach((x) => ((x.behind = Math.min(1, Number(x.counter))), (x.ahead = x.counter === TOP ? 0 : 1)))
    agree({ ...work, batch: pack(work.keys, work.records) }, 17)
  })

  it('windows of one size split differently between behind and ahead (records in columns)', () => {
    const work = workload(2000, 4000, () => r.int(1, 80))
    work.records.forEach((x) => {
      x.behind = x.counter < 3n ? 0 : r.int(0, 3)
      x.ahead = TOP - x.counter < BigInt(3 - x.behind) ? Number(TOP - x.counter) : 3 - x.behind
      if (r.int(0, 1))
        x.code = refHotp(work.keys[x.key]!.alg, work.keys[x.key]!.key, x.counter + BigInt(r.int(-x.behind, x.ahead)), x.digits)
    })
    const deltas = agree({ ...work, batch: pack(work.keys, work.records) }, 19)
    expect(new Set(deltas).size).toBeGreaterThan(4)
  })

  it('crosses the record and key capacities', () => {
    agree(
      workload(500, 70_000, () => r.int(1, 140)),
      997,
    )
    agree(
      workload(17_000, 20_000, () => r.int(1, 64)),
      211,
    )
    agree(
      workload(1_200, 2_500, () => 1024),
      53,
    )
  })

  it('handles an empty batch', () => {
    const batch = pack([], [])
    simd.verifyBatch(batch, new Int32Array(0))
    simd.generateBatch(batch, new Uint32Array(0))
  })
})

describe('wasm-simd kernel: memory', () => {
  it('leaves no key material in kernel memory after single calls and batches', () => {
    const x = instantiateWasm(simdModule)
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
    const key = new Uint8Array(400).map((_, i) => 0xa5 ^ i)
    for (const alg of ALG_IDS) {
      bytes().set(key.subarray(0, 100 + alg * 50), at('KEY_BYTES'))
      x.setKey(alg, 100 + alg * 50)
      x.hotp(alg, 0, 1, 6)
      x.scan(alg, 0xffffffff, 0xfffffff0, 101, 1, 6)
      x.verify(alg, 0, 5, 123456, 6, 2, 3)
      x.clearKey()
      expect(leftovers(), HASHES[alg]).toBe(0)
    }
    // A batch of six keys, two per algorithm: short ones (set up in lanes) and long ones (hashed first).
    const u32 = new Uint32Array(x.memory.buffer)
    const batch = () => {
      bytes().set(key, at('KEY_BYTES'))
      u32.set([0, 20, 60, 200, 210, 330, 400], at('KEY_OFFSETS') >>> 2)
      bytes().set([0, 1, 2, 0, 1, 2], at('KEY_ALGORITHMS'))
      u32.set([0, 1, 2, 3, 4, 5, 0], at('REC_KEY') >>> 2)
      u32.set([1, 1, 1, 1, 1, 1, 1], at('REC_AHEAD') >>> 2)
      bytes().set([6, 8, 10, 6, 8, 10, 7], at('REC_DIGITS'))
    }
    batch()
    x.verifyBatch(6, 7)
    expect(leftovers()).toBe(0)
    batch()
    x.generateBatch(6, 7)
    expect(leftovers()).toBe(0)
  })
})

/**
 * The kernel contract (src/core/kernel.ts), one suite over every kernel: the JS kernel (@noble/hashes),
 * the scalar WASM build and the SIMD WASM build, against the RFC vectors and the node:crypto
 * reference of test/helpers/reference.ts. What only one build has (memory, loading, lanes) is tested
 * in wasm-kernel.test.ts and wasm-simd.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { SCAN_CHUNK } from '../src/kernels/wasm.js'
import { NO_MATCH, type AlgorithmId } from '../src/core/kernel.js'
import { kernelFor } from './helpers/backends.js'
import { hi, lo, pack, type Rec } from './helpers/packed.js'
import { EDGE_KEY_LENGTHS, referenceHotpValue as refHotp, referenceVerify as refVerify, rng } from './helpers/reference.js'

const HASHES = ['sha1', 'sha256', 'sha512'] as const
const ALG_IDS: AlgorithmId[] = [0, 1, 2]
const TWO_32 = 1n << 32n
const TOP = (1n << 64n) - 1n
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s)

/** Counters 0..n-1 of one key and their 6-digit codes, with pairs of equal codes, to build ties. */
function collisions(alg: AlgorithmId, key: Uint8Array, n: number) {
  const codes = Array.from({ length: n }, (_, c) => refHotp(alg, key, BigInt(c), 6))
  const seen = new Map<number, number>()
  const pairs: [number, number][] = []
  codes.forEach((code, c) => {
    const first = seen.get(code)
    if (first !== undefined && c - first <= 1000) pairs.push([first, c])
    seen.set(code, c)
  })
  return { codes, pairs }
}

describe.each(['js', 'wasm', 'wasm-simd'] as const)('%s kernel', (name) => {
  const kernel = kernelFor(name)
  const hotp = (alg: AlgorithmId, key: Uint8Array, c: bigint, digits: number): number => kernel.hotp(alg, key, hi(c), lo(c), digits)
  const verify = (alg: AlgorithmId, key: Uint8Array, c: bigint, code: number, digits: number, behind: number, ahead: number) =>
    kernel.verify(alg, key, hi(c), lo(c), code, digits, behind, ahead)
  const scan = (alg: AlgorithmId, key: Uint8Array, from: bigint, count: number, codes: number[], digits: number) =>
    kernel.scan(alg, key, hi(from), lo(from), count, codes, digits)

  describe('RFC test vectors', () => {
    it('RFC 4226 appendix D (SHA-1, 6 digits, counters 0-9)', () => {
      const key = ascii('12345678901234567890')
      const codes = Array.from({ length: 10 }, (_, c) => hotp(0, key, BigInt(c), 6))
      expect(codes).toEqual([755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489])
    })

    it('RFC 6238 appendix B (SHA-1, SHA-256, SHA-512, 8 digits, period 30)', () => {
      const seed = '1234567890'.repeat(7)
      const keys = [ascii(seed.slice(0, 20)), ascii(seed.slice(0, 32)), ascii(seed.slice(0, 64))]
      const table: [number, number, number, number][] = [
        [59, 94287082, 46119246, 90693936],
        [1111111109, 7081804, 68084774, 25091201],
        [1111111111, 14050471, 67062674, 99943326],
        [1234567890, 89005924, 91819424, 93441116],
        [2000000000, 69279037, 90698825, 38618901],
        [20000000000, 65353130, 77737706, 47863826],
      ]
      for (const [time, ...expected] of table) {
        const step = BigInt(Math.floor(time / 30))
        expect(
          ALG_IDS.map((alg) => hotp(alg, keys[alg]!, step, 8)),
          `time ${time}`,
        ).toEqual(expected)
      }
    })
  })

  describe('hotp against node:crypto', () => {
    it('agrees on 10,000 random keys, counters, digits and algorithms', () => {
      const r = rng(4226)
      const counter = (i: number): bigint => {
        switch (i % 5) {
          case 0:
            return r.u64()
          case 1:
            return TWO_32 + BigInt(r.int(-3, 3))
          case 2:
            return TOP - BigInt(r.int(0, 5))
          case 3:
            return BigInt(r.int(0, 1000))
          default:
            return BigInt(r.int(0, 2 ** 53 - 1))
        }
      }
      let failures = 0
      for (let i = 0; i < 10_000; i++) {
        const alg = ALG_IDS[i % 3]!
        const len = i % 2 === 0 ? EDGE_KEY_LENGTHS[r.int(0, EDGE_KEY_LENGTHS.length - 1)]! : r.int(1, 300)
        const key = r.bytes(len)
        const c = counter(i)
        const digits = r.int(6, 10)
        const expected = refHotp(alg, key, c, digits)
        if (hotp(alg, key, c, digits) !== expected) {
          failures++
          expect.soft(hotp(alg, key, c, digits), `${HASHES[alg]} key ${len} B, counter ${c}, ${digits} digits`).toBe(expected)
        }
      }
      expect(failures).toBe(0)
    })

    it('handles the longest keys (1024 bytes) with every algorithm', () => {
      const r = rng(1024)
      for (const alg of ALG_IDS) {
        const key = r.bytes(1024)
        expect(hotp(alg, key, 123456789n, 8)).toBe(refHotp(alg, key, 123456789n, 8))
      }
    })
  })

  describe('verify window', () => {
    const r = rng(6238)
    const key = r.bytes(20)

    it('finds a match at -w, 0 and +w, and nothing outside', () => {
      for (const alg of ALG_IDS) {
        const base = 1_000_000n
        for (const w of [0, 1, 2, 5]) {
          for (const d of w === 0 ? [0] : [-w, 0, w]) {
            const code = refHotp(alg, key, base + BigInt(d), 8)
            expect(verify(alg, key, base, code, 8, w, w)).toBe(refVerify(alg, key, base, code, 8, w, w))
            expect(verify(alg, key, base, code, 8, w, w)).toBe(d)
          }
          const outside = refHotp(alg, key, base + BigInt(w + 1), 8)
          expect(verify(alg, key, base, outside, 8, w, w)).toBe(NO_MATCH)
        }
        expect(verify(alg, key, base, 99_999_999, 8, 3, 3)).toBe(refVerify(alg, key, base, 99_999_999, 8, 3, 3))
      }
    })

    it('applies the tie rule: closest to 0, the negative delta first', () => {
      const { pairs } = collisions(0, key, 20_000)
      const even = pairs.find(([a, b]) => (b - a) % 2 === 0)!
      const odd = pairs.find(([a, b]) => (b - a) % 2 === 1)!
      expect(even && odd).toBeTruthy()
      const check = (base: number, behind: number, ahead: number, expected: number) => {
        const code = refHotp(0, key, BigInt(even[0]), 6)
        expect(refVerify(0, key, BigInt(base), code, 6, behind, ahead)).toBe(expected)
        expect(verify(0, key, BigInt(base), code, 6, behind, ahead)).toBe(expected)
      }
      const k = (even[1] - even[0]) / 2
      check(even[0] + k, k, k, -k) // -k and +k tie: -k wins
      check(even[0] + k, k - 1, k, k) // -k out of reach
      const code = refHotp(0, key, BigInt(odd[0]), 6)
      const j = (odd[1] - odd[0] - 1) / 2
      const base = BigInt(odd[0] + j)
      expect(verify(0, key, base, code, 6, j + 1, j + 1)).toBe(refVerify(0, key, base, code, 6, j + 1, j + 1))
      expect(verify(0, key, base + 1n, code, 6, j + 1, j + 1)).toBe(refVerify(0, key, base + 1n, code, 6, j + 1, j + 1))
    })

    it('carries across 2^32 and reaches 2^64 - 1', () => {
      for (const alg of ALG_IDS) {
        for (const [base, d] of [
          [TWO_32, -1],
          [TWO_32 - 1n, 1],
          [TWO_32 + 2n, -3],
          [TOP - 3n, 3],
          [TOP, -2],
        ] as const) {
          const code = refHotp(alg, key, base + BigInt(d), 7)
          const ahead = base === TOP ? 0 : 3
          expect(verify(alg, key, base, code, 7, 3, ahead)).toBe(refVerify(alg, key, base, code, 7, 3, ahead))
        }
      }
    })

    it('agrees with the reference on random windows', () => {
      for (let i = 0; i < 300; i++) {
        const alg = ALG_IDS[i % 3]!
        const k = r.bytes(r.int(1, 140))
        const behind = r.int(0, 4)
        const ahead = r.int(0, 4)
        const base = BigInt(behind) + BigInt(r.int(0, 2 ** 40))
        const digits = r.int(6, 10)
        const code = r.int(0, 3) === 0 ? r.int(0, 10 ** 6 - 1) : refHotp(alg, k, base + BigInt(r.int(-behind - 1, ahead + 1)), digits)
        expect(verify(alg, k, base, code, digits, behind, ahead)).toBe(refVerify(alg, k, base, code, digits, behind, ahead))
      }
    })
  })

  describe('resync scan', () => {
    const r = rng(74)
    const codesAt = (alg: AlgorithmId, key: Uint8Array, c: bigint, n: number, digits: number) =>
      Array.from({ length: n }, (_, j) => refHotp(alg, key, c + BigInt(j), digits))

    it('finds the first and the last offset, across chunk boundaries', () => {
      const count = 2 * SCAN_CHUNK + 100
      for (const alg of ALG_IDS) {
        const key = r.bytes(r.int(1, 200))
        const from = BigInt(r.int(0, 2 ** 40))
        for (const at of [0, SCAN_CHUNK - 1, SCAN_CHUNK, count - 1]) {
          expect(scan(alg, key, from, count, codesAt(alg, key, from + BigInt(at), 3, 8), 8), `${HASHES[alg]} at ${at}`).toBe(at)
        }
      }
    })

    it('returns -1 when nothing matches', () => {
      const key = r.bytes(20)
      expect(scan(0, key, 0n, 1000, [12345678, 87654321, 11111111], 8)).toBe(-1)
      const code = refHotp(0, key, 500n, 8)
      expect(scan(0, key, 501n, 1000, [code], 8)).toBe(-1) // just before `from`
      expect(scan(0, key, 0n, 500, [code], 8)).toBe(-1) // just past the end
    })

    it('returns the earliest of two matches, and needs every code to match', () => {
      const key = r.bytes(20)
      const { codes, pairs } = collisions(0, key, 20_000)
      const [a, b] = pairs[0]!
      const from = Math.max(0, a - 50)
      const earliest = codes.indexOf(codes[a]!, from) - from
      expect(earliest).toBeLessThanOrEqual(a - from)
      expect(scan(0, key, BigInt(from), b - from + 10, [codes[a]!], 6)).toBe(earliest)
      // With the next code too, the first occurrence no longer qualifies unless its successor agrees.
      const second = [codes[b]!, codes[b + 1]!]
      const expected = codes.findIndex((c, i) => i >= from && c === second[0] && codes[i + 1] === second[1]) - from
      expect(scan(0, key, BigInt(from), b - from + 10, second, 6)).toBe(expected)
      expect(expected).toBeGreaterThan(earliest) // the first occurrence alone no longer qualifies
    })

    it('carries across 2^32, also between chunks, and reaches 2^64 - 1', () => {
      for (const alg of ALG_IDS) {
        const key = r.bytes(32)
        let from = TWO_32 - 10n
        expect(scan(alg, key, from, 100, codesAt(alg, key, TWO_32 + 5n, 4, 8), 8)).toBe(15)
        from = TWO_32 - BigInt(SCAN_CHUNK) + 3n // the second chunk starts at 2^32 + 3
        expect(scan(alg, key, from, SCAN_CHUNK + 50, codesAt(alg, key, TWO_32 + 13n, 2, 8), 8)).toBe(SCAN_CHUNK + 10)
        const n = 4
        from = TOP - 999n - BigInt(n - 1)
        expect(scan(alg, key, from, 1000, codesAt(alg, key, TOP - BigInt(n - 1), n, 8), 8)).toBe(999)
      }
    })

    it('confirms with up to 16 codes', () => {
      const key = r.bytes(64)
      for (const alg of ALG_IDS) {
        expect(scan(alg, key, 1000n, 5000, codesAt(alg, key, 4321n, 16, 6), 6)).toBe(3321)
      }
    })
  })

  describe('batches', () => {
    const r = rng(2104)

    /** Keys of mixed algorithms and lengths, and records in random key order. */
    function workload(nkeys: number, nrecords: number, keyLength: () => number) {
      const keys = Array.from({ length: nkeys }, (_, k) => ({ alg: ALG_IDS[k % 3]!, key: r.bytes(keyLength()) }))
      const records: Rec[] = Array.from({ length: nrecords }, (_, i) => {
        const key = i < nkeys ? i : r.int(0, nkeys - 1)
        const behind = r.int(0, 2)
        const ahead = r.int(0, 2)
        const counter = i % 7 === 0 ? TWO_32 - BigInt(r.int(-2, 2)) : BigInt(behind) + BigInt(r.int(0, 2 ** 31))
        const digits = r.int(6, 10)
        const { alg, key: bytes } = keys[key]!
        const code = r.int(0, 4) === 0 ? r.int(0, 999_999) : refHotp(alg, bytes, counter + BigInt(r.int(-behind, ahead)), digits)
        return { key, counter, code, digits, behind, ahead }
      })
      return { keys, records, batch: pack(keys, records) }
    }

    function checkVerify({ keys, records, batch }: ReturnType<typeof workload>, referenceEvery: number) {
      const delta = new Int32Array(batch.count)
      kernel.verifyBatch(batch, delta)
      let failures = 0
      records.forEach((rec, i) => {
        const { alg, key } = keys[rec.key]!
        const expected = verify(alg, key, rec.counter, rec.code, rec.digits, rec.behind, rec.ahead)
        if (i % referenceEvery === 0) {
          expect(expected).toBe(refVerify(alg, key, rec.counter, rec.code, rec.digits, rec.behind, rec.ahead))
        }
        if (delta[i] !== expected) failures++
      })
      expect(failures).toBe(0)
    }

    function checkGenerate({ keys, records, batch }: ReturnType<typeof workload>, referenceEvery: number) {
      const out = new Uint32Array(batch.count)
      kernel.generateBatch(batch, out)
      let failures = 0
      records.forEach((rec, i) => {
        const { alg, key } = keys[rec.key]!
        const expected = hotp(alg, key, rec.counter, rec.digits)
        if (i % referenceEvery === 0) expect(expected).toBe(refHotp(alg, key, rec.counter, rec.digits))
        if (out[i] !== expected) failures++
      })
      expect(failures).toBe(0)
    }

    it('verify and generate agree with the single functions over a record-capacity chunk boundary', () => {
      const work = workload(500, 70_000, () => (r.int(0, 3) === 0 ? EDGE_KEY_LENGTHS[r.int(0, 9)]! : r.int(1, 300)))
      checkVerify(work, 97)
      checkGenerate(work, 97)
    })

    it('splits chunks when distinct keys exceed the key capacity', () => {
      const work = workload(17_000, 20_000, () => r.int(1, 64))
      checkVerify(work, 211)
      checkGenerate(work, 211)
    })

    it('splits chunks when key bytes exceed the key-bytes capacity', () => {
      const work = workload(1_200, 2_500, () => 1024)
      checkVerify(work, 53)
      checkGenerate(work, 53)
    })

    it('handles an empty batch', () => {
      const batch = pack([], [])
      kernel.verifyBatch(batch, new Int32Array(0))
      kernel.generateBatch(batch, new Uint32Array(0))
    })
  })
})

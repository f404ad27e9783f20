/**
 * One behaviour suite, run against every backend: RFC vectors, thousands of random cases against
 * node:crypto, window and scan semantics.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../src/index.js'
import rfc4226 from './vectors/rfc4226-appendix-d.json' with { type: 'json' }
import rfc6238 from './vectors/rfc6238-appendix-b.json' with { type: 'json' }
import { BACKENDS, engineFor } from './helpers/backends.js'
import { ALGORITHMS, EDGE_KEY_LENGTHS, referenceHotp, rng, type Algorithm } from './helpers/reference.js'

const ascii = (text: string) => new TextEncoder().encode(text)
const MAX = 2n ** 64n - 1n

describe.each(BACKENDS)('%s backend', (backend) => {
  let engine: Engine
  beforeAll(async () => {
    engine = await engineFor(backend)
    expect(engine.backend.startsWith(backend)).toBe(true)
  })

  describe('RFC 4226 appendix D', () => {
    const key = ascii(rfc4226.secretAscii)
    it.each(rfc4226.cases)('counter $counter -> $hotp', ({ counter, hotp }) => {
      expect(engine.hotp(key, counter)).toBe(hotp)
      expect(engine.hotp(key, BigInt(counter))).toBe(hotp)
      expect(engine.verifyHotp(key, hotp, counter)).toBe(0)
    })
    it('accepts the secret as base32', () => {
      expect(engine.hotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1)).toBe('287082')
      expect(engine.hotp('gezd gnbv gy3t qojq gezd gnbv gy3t qojq', 1)).toBe('287082')
    })
  })

  describe('RFC 6238 appendix B', () => {
    const cases = rfc6238.cases.flatMap((c) =>
      ALGORITHMS.map((algorithm) => ({ algorithm, time: c.time, code: c[algorithm], step: c.step })),
    )
    it.each(cases)('$algorithm at $time -> $code', ({ algorithm, time, code, step }) => {
      const key = ascii(rfc6238.seedsAscii[algorithm])
      const options = { algorithm, time, digits: 8 }
      expect(engine.totp(key, options)).toBe(code)
      expect(engine.hotp(key, BigInt(`0x${step}`), { algorithm, digits: 8 })).toBe(code)
      expect(engine.verifyTotp(key, code, options)).toBe(0)
      expect(engine.verifyTotp(key, code, { ...options, time: time + 30 })).toBe(-1)
      expect(engine.verifyTotp(key, code, { ...options, time: time - 30 })).toBe(1)
    })
  })

  it('matches node:crypto on 10,000 random keys, counters, digits and algorithms', () => {
    const r = rng(0x5eed)
    for (let i = 0; i < 10_000; i++) {
      const algorithm = r.pick(ALGORITHMS)
      const key = r.bytes(i % 4 === 0 ? r.pick(EDGE_KEY_LENGTHS) : r.int(1, 300))
      const counter = i % 3 === 0 ? BigInt(r.int(0, 2 ** 40)) : r.u64()
      const digits = r.int(6, 10)
      const expected = referenceHotp(algorithm, key, counter, digits)
      const given = counter <= BigInt(Number.MAX_SAFE_INTEGER) && i % 2 ? Number(counter) : counter
      const got = engine.hotp(key, given, { algorithm, digits })
      if (got !== expected) {
        throw new Error(`case ${i}: ${algorithm} key ${key.length} B counter ${counter} digits ${digits}: ${got} != ${expected}`)
      }
    }
  })

  it('computes at the edges of the 64-bit counter and 32-bit halves', () => {
    const key = ascii('12345678901234567890')
    for (const counter of [0n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 32n + 1n, 2n ** 53n - 1n, 2n ** 53n, MAX - 1n, MAX]) {
      for (const algorithm of ALGORITHMS) {
        expect(engine.hotp(key, counter, { algorithm })).toBe(referenceHotp(algorithm, key, counter, 6))
      }
    }
  })

  describe('verifyTotp', () => {
    const key = ascii('12345678901234567890')
    const time = 1_700_000_000
    const step = BigInt(Math.floor(time / 30))
    const codeAt = (d: number, algorithm: Algorithm = 'SHA1', digits = 6) => referenceHotp(algorithm, key, step + BigInt(d), digits)

    it('finds each delta in the window and nothing beyond it', () => {
      for (let d = -3; d <= 3; d++) {
        expect(engine.verifyTotp(key, codeAt(d), { time, window: 3 })).toBe(d)
      }
      expect(engine.verifyTotp(key, codeAt(4), { time, window: 3 })).toBeNull()
      expect(engine.verifyTotp(key, codeAt(-4), { time, window: 3 })).toBeNull()
      expect(engine.verifyTotp(key, codeAt(1), { time, window: 0 })).toBeNull()
      expect(engine.verifyTotp(key, codeAt(0), { time, window: 0 })).toBe(0)
    })

    it('uses window 1 by default', () => {
      expect(engine.verifyTotp(key, codeAt(-1), { time })).toBe(-1)
      expect(engine.verifyTotp(key, codeAt(1), { time })).toBe(1)
      expect(engine.verifyTotp(key, codeAt(2), { time })).toBeNull()
    })

    it('prefers the closest delta, and of two equally close the earlier step', () => {
      // Keys (found by search) whose codes repeat inside the window at 1700000000.
      const tieKey = (n: number) => {
        const k = new Uint8Array(20)
        k.set(ascii('tie-search-key-'))
        new DataView(k.buffer).setUint32(16, n)
        return k
      }
      const cases = [
        { n: 1842470, code: '316345', repeats: [-1, 1], wins: -1 },
        { n: 1139213, code: '885822', repeats: [0, 1], wins: 0 },
        { n: 539973, code: '618755', repeats: [-2, 1], wins: 1 },
      ]
      for (const { n, code, repeats, wins } of cases) {
        for (const d of repeats) expect(referenceHotp('SHA1', tieKey(n), step + BigInt(d), 6)).toBe(code)
        expect(engine.verifyTotp(tieKey(n), code, { time, window: 2 })).toBe(wins)
      }
    })

    it('does not look before t0', () => {
      const code = referenceHotp('SHA1', key, 0n, 6)
      expect(engine.verifyTotp(key, code, { time: 10, window: 5 })).toBe(0)
      expect(engine.verifyTotp(key, referenceHotp('SHA1', key, 5n, 6), { time: 10, window: 5 })).toBe(5)
      expect(engine.verifyTotp(key, referenceHotp('SHA1', key, 2n, 6), { time: 100, t0: 70, window: 1 })).toBe(1)
    })

    it('answers malformed codes with null', () => {
      for (const code of ['', '12345', '1234567', ' 12345', '12345 ', '12345a', '١٢٣٤٥٦', '+12345', '-12345', '1e5000']) {
        expect(engine.verifyTotp(key, code, { time })).toBeNull()
      }
    })

    it('works for every algorithm and digit count', () => {
      for (const algorithm of ALGORITHMS) {
        for (let digits = 6; digits <= 10; digits++) {
          expect(engine.verifyTotp(key, codeAt(-1, algorithm, digits), { time, algorithm, digits })).toBe(-1)
        }
      }
    })
  })

  describe('verifyHotp', () => {
    const key = ascii('12345678901234567890')
    it('looks ahead only', () => {
      expect(engine.verifyHotp(key, '969429', 3)).toBe(0)
      expect(engine.verifyHotp(key, '969429', 1, { window: 2 })).toBe(2)
      expect(engine.verifyHotp(key, '969429', 1, { window: 1 })).toBeNull()
      expect(engine.verifyHotp(key, '755224', 1, { window: 5 })).toBeNull()
    })
    it('stops the look-ahead at 2^64 - 1', () => {
      const code = referenceHotp('SHA1', key, MAX, 6)
      expect(engine.verifyHotp(key, code, MAX - 2n, { window: 10 })).toBe(2)
      expect(engine.verifyHotp(key, code, MAX, { window: 10 })).toBe(0)
    })
  })

  describe('resyncHotp', () => {
    const key = ascii('12345678901234567890')
    it('finds the counter after the given codes (RFC 4226 appendix D)', async () => {
      expect(await engine.resyncHotp(key, ['969429', '338314'], 0, { lookAhead: 100 })).toBe(5)
      expect(await engine.resyncHotp(key, ['755224'], 0)).toBe(1)
      expect(await engine.resyncHotp(key, ['520489'], 0, { lookAhead: 10 })).toBe(10)
      expect(await engine.resyncHotp(key, ['520489'], 0, { lookAhead: 9 })).toBeNull()
      expect(await engine.resyncHotp(key, ['969429', '338314', '254676'], 2n, { lookAhead: 2 })).toBe(6n)
    })
    it('needs every code to match consecutively', async () => {
      expect(await engine.resyncHotp(key, ['969429', '254676'], 0, { lookAhead: 100 })).toBeNull()
    })
    it('scans across 2^32 and up to 2^64 - 1', async () => {
      const from = 2n ** 32n - 5n
      const codes = [0n, 1n].map((d) => referenceHotp('SHA1', key, 2n ** 32n + 2n + d, 6))
      expect(await engine.resyncHotp(key, codes, from, { lookAhead: 100 })).toBe(2n ** 32n + 4n)
      const last = [referenceHotp('SHA1', key, MAX - 1n, 6), referenceHotp('SHA1', key, MAX, 6)]
      // The code after the last one would use 2^64, which is no counter: no answer.
      expect(await engine.resyncHotp(key, last, MAX - 10n, { lookAhead: 1000 })).toBeNull()
      const before = [referenceHotp('SHA1', key, MAX - 2n, 6), referenceHotp('SHA1', key, MAX - 1n, 6)]
      expect(await engine.resyncHotp(key, before, MAX - 10n, { lookAhead: 1000 })).toBe(MAX)
    })
    it('returns the earliest of two matches', async () => {
      // A 6-digit code recurs about once per million counters: find the first two occurrences.
      const k = ascii('resync-earliest-key!')
      const code = referenceHotp('SHA1', k, 0n, 6)
      expect(await engine.resyncHotp(k, [code], 0, { lookAhead: 3_000_000 })).toBe(1)
      const later = await engine.resyncHotp(k, [code], 1, { lookAhead: 3_000_000 })
      if (later !== null) {
        const at = BigInt(later) - 1n
        expect(referenceHotp('SHA1', k, at, 6)).toBe(code)
        expect(await engine.resyncHotp(k, [code], at, { lookAhead: 1 })).toBe(later)
      }
    })
  })
})

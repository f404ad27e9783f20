/**
 * Columnar entry (addKeys, addHotpColumns, addTotpColumns): the same batch as record-by-record entry,
 * on every backend; a bad key or record is kept for itself, a bad call throws before adding anything.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { BatchBuilder, MATCH_STATUS, NO_MATCH_STATUS, OtpError, type Engine } from '../src/index.js'
import { BACKENDS, engineFor } from './helpers/backends.js'
import { packKeys } from './helpers/packed.js'
import { ALGORITHMS, EDGE_KEY_LENGTHS, referenceHotp, rng } from './helpers/reference.js'

const RFC_KEY = new TextEncoder().encode('12345678901234567890')
/** RFC 4226 appendix D: HOTP-SHA-1 of RFC_KEY at counters 0 to 9. */
const RFC_CODES = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489']

const outcome = (result: { status: Uint8Array; delta: Int32Array; errors: ReadonlyMap<number, OtpError> }) =>
  Array.from(result.status, (s, i) => (s === MATCH_STATUS ? result.delta[i] : s === NO_MATCH_STATUS ? null : result.errors.get(i)!.code))

describe.each(BACKENDS)('%s backend columnar entry', (backend) => {
  let engine: Engine
  beforeAll(async () => {
    engine = await engineFor(backend)
  })

  it('gives what record-by-record entry gives, on 20,000 random records of mixed options', async () => {
    const r = rng(31)
    const secrets = Array.from({ length: 3000 }, (_, i) => r.bytes(i % 7 === 0 ? r.pick(EDGE_KEY_LENGTHS) : 20))
    // A thousand keys of each algorithm.
    const algorithmOf = (key: number) => ALGORITHMS[Math.floor(key / 1000)]!
    const columns = new BatchBuilder()
    const byRecord = new BatchBuilder()
    ALGORITHMS.forEach((algorithm, a) => {
      const { bytes, offsets } = packKeys(secrets.slice(a * 1000, a * 1000 + 1000))
      expect(columns.addKeys(bytes, offsets, algorithm)).toBe(a * 1000)
    })
    secrets.forEach((secret, key) => byRecord.addKey(secret, algorithmOf(key)))
    for (let call = 0; call < 10; call++) {
      const n = 2000
      const digits = r.int(6, 10)
      const window = r.int(0, 3)
      const keys = Uint32Array.from({ length: n }, () => r.int(0, secrets.length - 1))
      const codes: string[] = []
      if (call % 2) {
        const counters = new BigUint64Array(n)
        keys.forEach((key, i) => {
          counters[i] = i % 50 === 0 ? 2n ** 64n - BigInt(r.int(1, 4)) : BigInt(r.int(0, 2 ** 40))
          const at = counters[i]! + BigInt(r.int(0, window + 1))
          codes.push(at < 2n ** 64n && r.next() < 0.8 ? referenceHotp(algorithmOf(key), secrets[key]!, at, digits) : '0'.repeat(digits))
        })
        const first = columns.addHotpColumns({ keys, codes, counters }, { digits, window })
        expect(first).toBe(call * n)
        keys.forEach((key, i) => byRecord.addHotp(key, codes[i]!, counters[i]!, { digits, window }))
      } else {
        const period = r.pick([15, 30, 60])
        const times = Float64Array.from({ length: n }, () => r.int(0, 4e9) + r.next())
        keys.forEach((key, i) => {
          const step = BigInt(Math.floor(times[i]! / period)) + BigInt(r.int(-window - 1, window + 1))
          codes.push(step >= 0n && r.next() < 0.8 ? referenceHotp(algorithmOf(key), secrets[key]!, step, digits) : '1'.repeat(digits))
        })
        const first = columns.addTotpColumns({ keys, codes, times }, { digits, window, period })
        expect(first).toBe(call * n)
        keys.forEach((key, i) => byRecord.addTotp(key, codes[i]!, times[i]!, { digits, window, period }))
      }
    }
    const [fromColumns, fromRecords] = [await engine.verifyColumns(columns), await engine.verifyColumns(byRecord)]
    expect(outcome(fromColumns)).toEqual(outcome(fromRecords))
    expect(Array.from(fromColumns.status).filter((s) => s === MATCH_STATUS).length).toBeGreaterThan(10_000)
  })

  it('keeps a bad key or record for itself and verifies the rest', async () => {
    const batch = new BatchBuilder()
    batch.addKey(RFC_KEY)
    // Keys 1 to 5 of the builder: good, empty, good, too long, good.
    const { bytes, offsets } = packKeys([RFC_KEY, new Uint8Array(0), RFC_KEY, new Uint8Array(1025), RFC_KEY])
    expect(batch.addKeys(bytes, offsets)).toBe(1)
    const keys = Uint32Array.of(0, 1, 2, 3, 4, 5, 6, 0, 0, 0)
    const codes = ['755224', '755224', '755224', '755224', '755224', '287082', '755224', '75522', 755224, '969429'] as string[]
    const counters = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1.5]
    batch.addHotpColumns({ keys, codes, counters }, { window: 2 })
    expect(outcome(await engine.verifyColumns(batch))).toEqual([
      0,
      0,
      'INVALID_SECRET',
      0,
      'INVALID_SECRET',
      1,
      'INVALID_RECORD',
      null,
      'INVALID_CODE',
      'INVALID_COUNTER',
    ])
  })

  it('checks TOTP columns record by record: times, codes, keys', async () => {
    const batch = new BatchBuilder()
    const key = batch.addKeys(RFC_KEY, [0, 20])
    // RFC 6238 appendix B, SHA-1, 8 digits: 94287082 at T = 59 (step 1), 07081804 at T = 1111111109.
    const times = [59, Number.NaN, 59, 1111111109, 1111111109, 59, 59, 59] as number[]
    times[6] = '59' as unknown as number
    const codes = ['94287082', '94287082', '94287082', '07081804', '7081804', '94287082', '94287082', '94287082']
    const keys = [key, key, 7, key, key, key, key, -1]
    batch.addTotpColumns({ keys, codes, times }, { digits: 8, window: 0 })
    expect(outcome(await engine.verifyColumns(batch))).toEqual([
      0,
      'INVALID_TIME',
      'INVALID_RECORD',
      0,
      null,
      0,
      'INVALID_TIME',
      'INVALID_RECORD',
    ])
  })

  it('takes integer codes, whose leading zeros the digits carry', async () => {
    const batch = new BatchBuilder()
    const key = batch.addKey(RFC_KEY)
    const codes = Uint32Array.of(7081804, 94287082, 100_000_000, 7081804)
    batch.addTotpColumns({ keys: [key, key, key, key], codes, times: [1111111109, 59, 59, 59] }, { digits: 8, window: 0 })
    expect(outcome(await engine.verifyColumns(batch))).toEqual([0, 0, null, null])
  })

  it('counts a BigUint64Array counter near 2^64 - 1 without passing it', async () => {
    const batch = new BatchBuilder()
    const key = batch.addKey(RFC_KEY)
    const top = 2n ** 64n - 1n
    const codes = [referenceHotp('SHA1', RFC_KEY, top, 6), referenceHotp('SHA1', RFC_KEY, top - 1n, 6)]
    batch.addHotpColumns({ keys: [key, key], codes, counters: BigUint64Array.of(top - 2n, top - 2n) }, { window: 10 })
    expect(outcome(await engine.verifyColumns(batch))).toEqual([2, 1])
  })
})

describe('BatchBuilder.reset', () => {
  it('empties the builder for another batch and wipes the key bytes it held', async () => {
    const engine = await engineFor('wasm-simd')
    const batch = new BatchBuilder()
    batch.addHotp(batch.addKey(RFC_KEY), RFC_CODES[1]!, 0, { window: 2 })
    batch.addHotp(batch.addKey('not base32!'), RFC_CODES[0]!, 0)
    const before = batch.build()
    batch.reset()
    expect(before.packed.keyBytes.every((byte) => byte === 0)).toBe(true)
    expect(batch.size).toBe(0)
    expect(batch.build().settled.size).toBe(0)
    const key = batch.addKeys(RFC_KEY, [0, 20])
    expect(key).toBe(0)
    batch.addHotpColumns({ keys: [key, 5], codes: [RFC_CODES[3]!, RFC_CODES[3]!], counters: [0, 0] }, { window: 3 })
    expect(outcome(await engine.verifyColumns(batch))).toEqual([3, 'INVALID_RECORD'])
  })
})

describe('columnar entry refuses a bad call whole', () => {
  const cases: Array<[string, (batch: BatchBuilder) => unknown, string]> = [
    ['columns of different lengths', (b) => b.addTotpColumns({ keys: [0, 0], codes: ['755224'], times: [0, 0] }), 'INVALID_RECORD'],
    ['a missing column', (b) => b.addHotpColumns({ keys: [0], codes: ['755224'] } as never), 'INVALID_RECORD'],
    ['columns that are not an object', (b) => b.addTotpColumns(null as never), 'INVALID_RECORD'],
    ['bad digits', (b) => b.addTotpColumns({ keys: [0], codes: ['755224'], times: [0] }, { digits: 5 }), 'INVALID_DIGITS'],
    ['a bad window', (b) => b.addHotpColumns({ keys: [0], codes: ['755224'], counters: [0] }, { window: -1 }), 'INVALID_WINDOW'],
    ['a bad period', (b) => b.addTotpColumns({ keys: [0], codes: ['755224'], times: [0] }, { period: 0 }), 'INVALID_PERIOD'],
    ['a bad t0', (b) => b.addTotpColumns({ keys: [0], codes: ['755224'], times: [0] }, { t0: Number.NaN }), 'INVALID_TIME'],
    ['key bytes that are not bytes', (b) => b.addKeys([1, 2] as never, [0, 2]), 'INVALID_SECRET'],
    ['no offsets', (b) => b.addKeys(RFC_KEY, []), 'INVALID_RECORD'],
    ['an offset that is not a whole number', (b) => b.addKeys(RFC_KEY, [0, 1.5]), 'INVALID_RECORD'],
    ['a bad algorithm', (b) => b.addKeys(RFC_KEY, [0, 20], 'MD5' as never), 'INVALID_ALGORITHM'],
  ]
  it.each(cases)('%s', (_, call, code) => {
    const batch = new BatchBuilder()
    batch.addKey(RFC_KEY)
    expect(() => call(batch)).toThrow(expect.objectContaining({ code }))
    expect(batch.size).toBe(0)
    batch.addHotp(0, RFC_CODES[0]!, 0)
    expect(batch.size).toBe(1)
  })

  it('never puts key bytes in a message', () => {
    const batch = new BatchBuilder()
    const secret = new Uint8Array(30).fill(0x41)
    batch.addKeys(secret, [0, 10, 5, 40])
    batch.addHotpColumns({ keys: [0, 1, 2], codes: ['755224', '755224', '755224'], counters: [0, 0, 0] })
    const { settled } = batch.build()
    const messages = [...settled.values()].map((e) => (e as OtpError).message)
    expect(messages).toHaveLength(2)
    for (const message of messages) expect(message).not.toMatch(/AAAA|65,65/)
  })
})

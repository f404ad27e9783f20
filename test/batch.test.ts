/** Batches agree with the single-record API, on every backend; bad records are reported for themselves. */
import { beforeAll, describe, expect, it } from 'vitest'
import {
  BatchBuilder,
  INVALID_STATUS,
  MATCH_STATUS,
  NO_MATCH_STATUS,
  OtpError,
  base32Encode,
  type Engine,
  type Secret,
  type VerifyRecord,
} from '../src/index.js'
import { BACKENDS, engineFor } from './helpers/backends.js'
import { ALGORITHMS, EDGE_KEY_LENGTHS, referenceHotp, rng } from './helpers/reference.js'

/** A record's options for the single-code functions, which refuse option keys they do not know. */
function optionsOf(record: object) {
  const { secret, code, counter, ...options } = record as Record<string, unknown>
  return options as { window?: number; digits?: number; algorithm?: 'SHA1'; time?: number; period?: number; t0?: number }
}

/** Random records of mixed algorithms, digits, windows, HOTP and TOTP; codes right, late, or wrong. */
function randomRecords(count: number, seed: number): VerifyRecord[] {
  const r = rng(seed)
  const users = Array.from({ length: Math.max(1, count >> 3) }, (_, i) => {
    const key = r.bytes(i % 10 === 0 ? r.pick(EDGE_KEY_LENGTHS) : 20)
    return { secret: i % 2 ? base32Encode(key) : key, key, algorithm: r.pick(ALGORITHMS) }
  })
  return Array.from({ length: count }, () => {
    const user = r.pick(users)
    const digits = r.int(6, 10)
    const window = r.int(0, 3)
    const shift = r.int(-4, 4)
    if (r.next() < 0.5) {
      const counter = r.next() < 0.1 ? 2n ** 64n - BigInt(r.int(1, 8)) : BigInt(r.int(0, 2 ** 40))
      const at = counter + BigInt(shift) < 0n || counter + BigInt(shift) >= 2n ** 64n ? counter : counter + BigInt(shift)
      const code = r.next() < 0.8 ? referenceHotp(user.algorithm, user.key, at, digits) : '0'.repeat(digits)
      return {
        secret: user.secret,
        algorithm: user.algorithm,
        code,
        counter: r.next() < 0.5 ? counter : Number(counter) > Number.MAX_SAFE_INTEGER ? counter : Number(counter),
        window,
        digits,
      }
    }
    const period = r.pick([30, 60, 15])
    const time = r.int(0, 4e9)
    const step = BigInt(Math.floor(time / period))
    const at = step + BigInt(shift) < 0n ? step : step + BigInt(shift)
    const code = r.next() < 0.8 ? referenceHotp(user.algorithm, user.key, at, digits) : '1'.repeat(digits)
    return { secret: user.secret, algorithm: user.algorithm, code, time, period, window, digits }
  })
}

describe.each(BACKENDS)('%s backend batches', (backend) => {
  let engine: Engine
  beforeAll(async () => {
    engine = await engineFor(backend)
  })

  it('verifyBatch agrees with the single-record API on 40,000 random records', async () => {
    const records = randomRecords(40_000, 42)
    const results = await engine.verifyBatch(records)
    expect(results).toHaveLength(records.length)
    let matched = 0
    records.forEach((record, i) => {
      const single =
        'counter' in record
          ? engine.verifyHotp(record.secret as Secret, record.code, record.counter, optionsOf(record))
          : engine.verifyTotp(record.secret as Secret, record.code, optionsOf(record))
      if (results[i] !== single) throw new Error(`record ${i}: batch ${String(results[i])} != single ${String(single)}`)
      if (single !== null) matched++
    })
    expect(matched).toBeGreaterThan(records.length / 5)
  })

  it('reports each bad record for itself and verifies the rest', async () => {
    const key = new TextEncoder().encode('12345678901234567890')
    const records = [
      { secret: key, code: '755224', counter: 0 },
      { secret: '', code: '755224', counter: 0 },
      { secret: key, code: '287082', counter: 0, window: 1 },
      { secret: key, code: '755224', counter: -1 },
      null,
      { secret: key, code: 755224, counter: 0 },
      { secret: key, code: '755224', counter: 0, digits: 11 },
      { secret: key, code: '755224', counter: 0, algorithm: 'MD5' },
      { secret: key, code: '94287082', time: 59, digits: 8 },
      { secret: key, code: '94287082', time: NaN, digits: 8 },
      { secret: key, code: '', counter: 0 },
      { secret: key, code: '755224', counter: 0 },
    ] as unknown as VerifyRecord[]
    const results = await engine.verifyBatch(records)
    const codes = results.map((r) => (r instanceof OtpError ? r.code : r))
    expect(codes).toEqual([
      0,
      'INVALID_SECRET',
      1,
      'INVALID_COUNTER',
      'INVALID_RECORD',
      'INVALID_CODE',
      'INVALID_DIGITS',
      'INVALID_ALGORITHM',
      0,
      'INVALID_TIME',
      null,
      0,
    ])
  })

  it('names a record that is not an object by its place in the whole batch', async () => {
    const records: unknown[] = Array.from({ length: 70_000 }, () => ({ secret: new Uint8Array(20), code: '328482', counter: 0 }))
    records[3] = null
    records[69_999] = 'a record'
    const results = await engine.verifyBatch(records as VerifyRecord[])
    expect((results[3] as OtpError).message).toBe('record 3 must be an object, got null')
    expect((results[69_999] as OtpError).message).toBe('record 69999 must be an object, got string(8)')
    expect(results[69_998]).toBe(0)
  })

  it('generateBatch agrees with hotp and totp', async () => {
    const r = rng(9)
    const records = Array.from({ length: 5000 }, (_, i) => {
      const key = r.bytes(r.int(1, 200))
      const algorithm = r.pick(ALGORITHMS)
      const digits = r.int(6, 10)
      return i % 2
        ? { secret: key, algorithm, digits, counter: r.u64() }
        : { secret: key, algorithm, digits, time: r.int(0, 4e9), period: 30 }
    })
    const codes = await engine.generateBatch(records)
    records.forEach((record, i) => {
      const expected =
        'counter' in record ? engine.hotp(record.secret, record.counter!, optionsOf(record)) : engine.totp(record.secret, optionsOf(record))
      expect(codes[i]).toBe(expected)
    })
  })

  it('verifyColumns takes a BatchBuilder and returns typed arrays', async () => {
    const batch = new BatchBuilder()
    const alice = batch.addKey(new TextEncoder().encode('12345678901234567890'))
    const broken = batch.addKey('not base32!')
    batch.addHotp(alice, '969429', 0, { window: 5 })
    batch.addHotp(alice, '000000', 0)
    batch.addHotp(broken, '969429', 0)
    batch.addTotp(alice, '94287082', 89, { digits: 8 })
    batch.addTotp(99, '94287082', 59, { digits: 8 })
    const { status, delta, errors } = await engine.verifyColumns(batch)
    expect(Array.from(status)).toEqual([MATCH_STATUS, NO_MATCH_STATUS, INVALID_STATUS, MATCH_STATUS, INVALID_STATUS])
    expect(Array.from(delta)).toEqual([3, 0, 0, -1, 0])
    expect(errors.get(2)?.code).toBe('INVALID_SECRET')
    expect(errors.get(4)?.code).toBe('INVALID_RECORD')
  })

  it('crosses kernel chunks with many distinct keys', async () => {
    const records = randomRecords(140_000, 7).map((record, i) => ({
      ...record,
      secret: new Uint8Array(20).fill(i & 0xff).map((b, j) => b ^ j ^ (i >> 8)),
    }))
    const results = await engine.verifyBatch(records)
    for (const i of [0, 65_535, 65_536, 65_537, 131_072, 139_999]) {
      const record = records[i]!
      const single =
        'counter' in record
          ? engine.verifyHotp(record.secret, record.code, record.counter, optionsOf(record))
          : engine.verifyTotp(record.secret, record.code, optionsOf(record))
      expect(results[i]).toBe(single)
    }
  })
})

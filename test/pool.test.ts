/**
 * The worker pool answers exactly as the engine that computes in the calling thread: batches of
 * many sizes in order, columnar batches, and resync scans split into counter ranges.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BatchBuilder, OtpError, base32Encode, createEngine, type Engine, type VerifyRecord } from '../src/index.js'
import { poolEngine } from '../src/pool/pool-engine.js'
import { loadKernel } from '../src/kernels/select.js'
import { GROUP_RECORDS } from '../src/engine/groups.js'
import { WorkerPool, type TaskTag } from '../src/pool/pool.js'
import { lowerCutoff, newCutoff } from '../src/pool/protocol.js'
import { ALGORITHMS, EDGE_KEY_LENGTHS, referenceHotp, rng, type Algorithm } from './helpers/reference.js'

/** Random records: HOTP and TOTP, every algorithm, some wide windows, some bad or not even objects. */
function randomRecords(count: number, seed: number): VerifyRecord[] {
  const r = rng(seed)
  const users = Array.from({ length: Math.max(1, count >> 2) }, (_, i) => {
    const key = r.bytes(i % 16 === 0 ? r.pick(EDGE_KEY_LENGTHS) : 20)
    return { secret: i % 3 ? key : base32Encode(key), key, algorithm: r.pick(ALGORITHMS) }
  })
  return Array.from({ length: count }, (): VerifyRecord => {
    const roll = r.next()
    if (roll < 0.005) return null as unknown as VerifyRecord
    if (roll < 0.01) return { secret: 'not base32!', code: '123456', counter: 1 }
    const user = r.pick(users)
    const digits = r.int(6, 10)
    const window = r.next() < 0.05 ? r.int(10, 60) : r.int(0, 2)
    const shift = r.int(-3, 3)
    if (r.next() < 0.5) {
      const counter = BigInt(r.int(0, 2 ** 40))
      const at = counter + BigInt(Math.abs(shift))
      const code = r.next() < 0.8 ? referenceHotp(user.algorithm, user.key, at, digits) : '0'.repeat(digits)
      return { secret: user.secret, algorithm: user.algorithm, code, counter: Number(counter), window, digits }
    }
    const period = r.pick([30, 60])
    const time = r.int(1e6, 4e9)
    const step = BigInt(Math.floor(time / period)) + BigInt(shift)
    const code = r.next() < 0.8 ? referenceHotp(user.algorithm, user.key, step, digits) : '1'.repeat(digits)
    return { secret: user.secret, algorithm: user.algorithm, code, time, period, window, digits }
  })
}

/** A result in a form toEqual compares fully: an OtpError by its code and message. */
const plain = (result: unknown) => (result instanceof OtpError ? `${result.code}: ${result.message}` : result)

const tasks = { verify: 0, generate: 0, scan: 0 }
let single: Engine
let pooled: Engine

beforeAll(async () => {
  single = await createEngine({ threads: 1 })
  pooled = poolEngine(loadKernel('auto'), 2, { sent: (tag: TaskTag) => void tasks[tag.kind]++ })
})

afterAll(async () => {
  await Promise.all([single.close(), pooled.close()])
})

describe('createEngine threads', () => {
  it('defaults to the available parallelism; 1 computes in the calling thread', async () => {
    const byDefault = await createEngine()
    const one = await createEngine({ threads: 1 })
    expect(byDefault.threads).toBe(availableParallelism())
    expect(one.threads).toBe(1)
    await Promise.all([byDefault.close(), one.close()])
  })

  it.runIf(process.platform === 'linux')('runs its workers at a lower priority than the calling thread (Linux)', async () => {
    const niceOf = (task: string) => Number(readFileSync(`/proc/self/task/${task}/stat`, 'utf8').split(') ')[1]!.split(' ')[16])
    const before = new Set(readdirSync('/proc/self/task'))
    const engine = await createEngine({ threads: 2 })
    // Big enough to go to the workers (small batches stay in the calling thread), on both.
    const records = Array.from({ length: 200_000 }, (_, i) => ({ secret: new Uint8Array(20).fill(i), code: '000000', counter: i }))
    await engine.verifyBatch(records)
    const started = readdirSync('/proc/self/task').filter((task) => !before.has(task))
    expect(started.map(niceOf).filter((nice) => nice === 10).length).toBeGreaterThanOrEqual(1)
    expect(niceOf(String(process.pid))).toBe(0)
    await engine.close()
  })

  it('rejects a bad thread count', async () => {
    for (const threads of [0, 1.5, -1, 2000, '2']) {
      await expect(createEngine({ threads: threads as number })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' })
    }
  })
})

describe('batches on the pool', () => {
  it.each([0, 1, 5, 700, 3000, 16_383, 16_384, 16_385, 60_000])(
    'verifyBatch of %i random records is identical and in order',
    async (size) => {
      const records = randomRecords(size, 1000 + size)
      const before = tasks.verify
      const [expected, actual] = await Promise.all([single.verifyBatch(records), pooled.verifyBatch(records)])
      expect(actual).toHaveLength(size)
      expect(actual.map(plain)).toEqual(expected.map(plain))
      if (size >= 3000) expect(tasks.verify).toBeGreaterThan(before)
    },
  )

  it('generateBatch is identical and in order', async () => {
    const r = rng(77)
    const records = Array.from({ length: 40_000 }, (_, i) => {
      const key = r.bytes(i % 50 === 0 ? 300 : 20)
      const algorithm = r.pick(ALGORITHMS)
      const digits = r.int(6, 10)
      if (i % 997 === 0) return 42 as unknown as { secret: Uint8Array; counter: number }
      return i % 2
        ? { secret: key, algorithm, digits, counter: r.u64() }
        : { secret: key, algorithm, digits, time: r.int(0, 4e9), period: 30 }
    })
    const before = tasks.generate
    const [expected, actual] = await Promise.all([single.generateBatch(records), pooled.generateBatch(records)])
    expect(actual.map(plain)).toEqual(expected.map(plain))
    expect(tasks.generate).toBeGreaterThan(before)
  })

  it('verifyColumns and generateColumns are identical, with many keys across shards', async () => {
    const r = rng(5)
    const verify = new BatchBuilder()
    const generate = new BatchBuilder()
    const keys = Array.from({ length: 30_000 }, (_, i) => {
      const key = r.bytes(20)
      const algorithm = r.pick(ALGORITHMS) as Algorithm
      return { key, algorithm, v: verify.addKey(key, algorithm), g: generate.addKey(i % 1000 === 0 ? '!' : key, algorithm) }
    })
    for (let i = 0; i < 70_000; i++) {
      const { key, algorithm, v, g } = r.pick(keys)
      const counter = r.int(0, 2 ** 32 + 10)
      verify.addHotp(v, referenceHotp(algorithm, key, BigInt(counter + (i % 3)), 6), counter, { window: i % 4 })
      generate.addCounter(g, counter, 6 + (i % 5))
    }
    const [v1, v2, g1, g2] = await Promise.all([
      single.verifyColumns(verify),
      pooled.verifyColumns(verify),
      single.generateColumns(generate),
      pooled.generateColumns(generate),
    ])
    expect(v2.status).toEqual(v1.status)
    expect(v2.delta).toEqual(v1.delta)
    expect(g2.status).toEqual(g1.status)
    expect(g2.codes).toEqual(g1.codes)
    expect([...g2.errors.keys()]).toEqual([...g1.errors.keys()])
  })

  it("cuts a large call's groups one shard each, and a lone group for every worker", async () => {
    // Window-1 TOTP records: 16,384 of them are one shard's work (SHARD_WORK).
    const totp = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ secret: new Uint8Array(20).fill(i), code: '000000', time: 1.7e9 + i, window: 1 }))
    let before = tasks.verify
    await pooled.verifyBatch(totp(3 * GROUP_RECORDS))
    expect(tasks.verify - before).toBe(3)
    before = tasks.verify
    await pooled.verifyBatch(totp(10_000))
    expect(tasks.verify - before).toBe(2)
  })

  it('runs on JS kernels in the workers where the engine runs JS', async () => {
    const js = await createEngine({ backend: 'js', threads: 2 })
    const records = randomRecords(6000, 3)
    expect(js.backend).toBe('js')
    expect((await js.verifyBatch(records)).map(plain)).toEqual((await single.verifyBatch(records)).map(plain))
    await js.close()
  })
})

describe('the workers', () => {
  it('answer each task as soon as it is done, while they run the next one they hold', async () => {
    const pool = new WorkerPool(1, 'auto')
    const cutoff = newCutoff()
    const scan = (index: number, count: number): Promise<unknown> =>
      pool.run(
        'scan',
        () => ({
          task: { kind: 'scan', index, cutoff, alg: 0, key: new Uint8Array(20), hi: 0, lo: 0, count, codes: [0, 0, 0, 0, 0, 0], digits: 6 },
          transfer: [],
        }),
        () => false,
      )
    // Both go to the one worker at once. The long one (seconds, whole) is stopped by the cutoff
    // that the short one's answer lowers: that answer must come while the long one runs.
    const short = scan(0, 1000)
    const long = scan(1, 2 ** 26)
    await short
    lowerCutoff(cutoff, 0)
    expect(await long).toEqual({ stopped: true })
    await pool.close()
  })
})

describe('resync scans on the pool', () => {
  const key = rng(11).bytes(20)
  const codesAt = (counter: bigint, n: number, algorithm: Algorithm = 'SHA1') =>
    Array.from({ length: n }, (_, j) => referenceHotp(algorithm, key, counter + BigInt(j), 6))

  async function same(codes: string[], from: number | bigint, lookAhead: number, algorithm: Algorithm = 'SHA1') {
    const before = tasks.scan
    const [expected, actual] = await Promise.all([
      single.resyncHotp(key, codes, from, { lookAhead, algorithm }),
      pooled.resyncHotp(key, codes, from, { lookAhead, algorithm }),
    ])
    expect(tasks.scan).toBeGreaterThan(before)
    expect(actual).toBe(expected)
    return actual
  }

  // With 2 threads a scan of 1,000,000 counters goes in ranges of 125,000.
  it.each([0, 1, 124_998, 124_999, 125_000, 500_000, 999_999])(
    'finds a match at offset %i, also across a range boundary',
    async (offset) => {
      const from = 7_000
      const found = await same(codesAt(BigInt(from + offset), 3), from, 1_000_000)
      expect(found).toBe(from + offset + 3)
    },
  )

  it('answers the earliest of several matches', async () => {
    // One code over 3,000,000 counters matches by chance a few times; the earliest must win.
    const code = referenceHotp('SHA1', key, 2_600_000n, 6)
    const found = await same([code], 0, 3_000_000)
    expect(found).not.toBeNull()
    expect(Number(found)).toBeLessThanOrEqual(2_600_001)
  })

  it('answers null when nothing matches, and crosses 2^32 and nears 2^64 like the single thread', async () => {
    expect(await same(['000000', '000000', '000000'], 0, 400_000)).toBeNull()
    const low = 2 ** 32 - 150_000
    expect(await same(codesAt(BigInt(low + 200_000), 2, 'SHA256'), low, 600_000, 'SHA256')).toBe(low + 200_002)
    const high = 2n ** 64n - 300_000n
    expect(await same(codesAt(high + 250_000n, 2), high, 1_000_000)).toBe(high + 250_002n)
  })
})

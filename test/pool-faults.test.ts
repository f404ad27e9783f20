/**
 * Faults and endings on the pool: a worker that dies mid-shard loses no record (its shard is retried
 * once, and a second loss is reported per record), an abort stops the work in the workers, and close
 * lets the work under way finish before it ends the pool.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { BatchBuilder, INVALID_STATUS, OtpError, createEngine, type Engine, type VerifyRecord } from '../src/index.js'
import { poolEngine } from '../src/pool/pool-engine.js'
import { loadKernel } from '../src/kernels/select.js'
import type { PoolHooks, TaskTag } from '../src/pool/pool.js'
import { referenceHotp, rng } from './helpers/reference.js'

/** TOTP records, a distinct key each, every third code one step late. */
function totpRecords(count: number, seed: number, window = 1): VerifyRecord[] {
  const r = rng(seed)
  return Array.from({ length: count }, (_, i) => {
    const key = r.bytes(20)
    const time = 1_700_000_000 + i * 7
    return { secret: key, code: referenceHotp('SHA1', key, BigInt(Math.floor(time / 30) + (i % 3 === 0 ? 1 : 0)), 6), time, window }
  })
}

/** What the hooks saw, and what they are told to do: crash the given attempts of the given job. */
class Probe {
  lastJob = -1
  readonly sent: TaskTag[] = []
  readonly outcomes: Array<[TaskTag, string]> = []
  plan: { job: number; attempts: number[] } | undefined
  onSent: ((tag: TaskTag) => void) | undefined
  onSettled: ((tag: TaskTag, outcome: string) => void) | undefined

  crash = (tag: TaskTag) => this.plan !== undefined && tag.job === this.plan.job && this.plan.attempts.includes(tag.attempt)
  settled = (tag: TaskTag, outcome: string) => {
    this.outcomes.push([tag, outcome])
    this.onSettled?.(tag, outcome)
  }
  hook: PoolHooks = {
    crash: this.crash,
    sent: (tag: TaskTag) => {
      this.lastJob = Math.max(this.lastJob, tag.job)
      this.sent.push(tag)
      this.onSent?.(tag)
    },
    settled: this.settled,
  }

  /** Crashes the given attempts of the `nth` job from now (0: the next one). */
  crashJob(nth: number, attempts: number[]): number {
    const job = this.lastJob + 1 + nth
    this.plan = { job, attempts }
    return job
  }

  reset(): void {
    this.sent.length = 0
    this.outcomes.length = 0
    this.plan = this.onSent = this.onSettled = undefined
  }

  /** Every attempt sent has settled. */
  async quiet(): Promise<void> {
    await vi.waitFor(() => expect(this.outcomes.length).toBe(this.sent.length), { timeout: 30_000, interval: 20 })
  }
}

const plain = (result: unknown) => (result instanceof OtpError ? `${result.code}: ${result.message}` : result)

let single: Engine
let pooled: Engine
const probe = new Probe()

beforeAll(async () => {
  single = await createEngine({ threads: 1 })
  pooled = poolEngine(loadKernel('auto'), 2, probe.hook)
})

afterAll(async () => {
  await Promise.all([single.close(), pooled.close()])
})

describe('a worker that dies mid-shard', () => {
  const records = totpRecords(50_000, 1)
  let expected: unknown[]
  beforeAll(async () => {
    expected = (await single.verifyBatch(records)).map(plain)
  })

  it('loses no record: the shard is retried once on another worker', async () => {
    probe.reset()
    const job = probe.crashJob(3, [0])
    const results = await pooled.verifyBatch(records)
    expect(results.map(plain)).toEqual(expected)
    const attempts = probe.outcomes.filter(([tag]) => tag.job === job).map(([tag, outcome]) => `${tag.attempt}:${outcome}`)
    expect(attempts).toEqual(['0:failed', '1:done'])
  })

  it('reports the records of a shard lost twice as WORKER_FAILED, never as misses', async () => {
    probe.reset()
    probe.crashJob(2, [0, 1])
    const results = await pooled.verifyBatch(records)
    const failed = results.flatMap((result, i) => (result instanceof OtpError && result.code === 'WORKER_FAILED' ? [i] : []))
    expect(failed.length).toBeGreaterThan(0)
    // One shard: contiguous records.
    expect(failed.at(-1)! - failed[0]! + 1).toBe(failed.length)
    results.forEach((result, i) => {
      if (!failed.includes(i)) expect(plain(result)).toEqual(expected[i])
    })
    // The engine goes on working afterwards, on the replacement workers.
    probe.reset()
    expect((await pooled.verifyBatch(records)).map(plain)).toEqual(expected)
  })

  it('marks a lost shard in a columnar result as INVALID_STATUS with the error', async () => {
    const batch = new BatchBuilder()
    const key = batch.addKey(rng(2).bytes(20))
    for (let i = 0; i < 20_000; i++) batch.addHotp(key, '123456', i, { window: 3 })
    probe.reset()
    probe.crashJob(0, [0, 1])
    const { status, errors } = await pooled.verifyColumns(batch)
    const lost = [...errors.keys()]
    expect(lost.length).toBeGreaterThan(0)
    for (const record of lost) {
      expect(status[record]).toBe(INVALID_STATUS)
      expect(errors.get(record)?.code).toBe('WORKER_FAILED')
    }
  })

  it('retries a scan range, and fails a resync whose deciding range is lost twice', async () => {
    const key = rng(3).bytes(20)
    const codes = [referenceHotp('SHA1', key, 900_000n, 6), referenceHotp('SHA1', key, 900_001n, 6)]
    const options = { lookAhead: 1_000_000 }
    const answer = await single.resyncHotp(key, codes, 0, options)
    expect(answer).toBe(900_002)

    probe.reset()
    probe.crashJob(1, [0])
    expect(await pooled.resyncHotp(key, codes, 0, options)).toBe(answer)

    probe.reset()
    probe.crashJob(1, [0, 1])
    await expect(pooled.resyncHotp(key, codes, 0, options)).rejects.toMatchObject({ code: 'WORKER_FAILED' })
    await probe.quiet()
  })
})

describe('aborting', () => {
  it('stops a scan in the workers and rejects with ABORTED', async () => {
    const key = rng(4).bytes(20)
    const controller = new AbortController()
    probe.reset()
    let sentAfterAbort = 0
    probe.onSent = () => void (controller.signal.aborted && sentAfterAbort++)
    // Abort as soon as the first range is done: the ones running or waiting must stop.
    probe.onSettled = (_, outcome) => outcome === 'done' && controller.abort(new Error('enough'))
    const scan = pooled.resyncHotp(key, ['000000', '000000', '000000'], 0, { lookAhead: 1_000_000_000, signal: controller.signal })
    const error = await scan.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OtpError)
    expect(error).toMatchObject({ code: 'ABORTED', cause: new Error('enough') })
    await probe.quiet()
    expect(sentAfterAbort).toBe(0)
    const outcomes = probe.outcomes.map(([, outcome]) => outcome)
    expect(outcomes).toContain('stopped')
    // Of about 480 ranges, only the few in flight at the abort were sent.
    expect(probe.sent.length).toBeLessThanOrEqual(5)
  })

  it('stops a batch in the workers and rejects with ABORTED', async () => {
    const records = totpRecords(200_000, 5)
    const controller = new AbortController()
    probe.reset()
    const third = probe.lastJob + 3
    probe.onSent = (tag) => tag.job >= third && controller.abort()
    await expect(pooled.verifyBatch(records, { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' })
    await probe.quiet()
    // 200,000 records make about 25 shards; no more were sent after the abort.
    expect(probe.sent.length).toBeLessThan(12)
  })

  it('rejects every async call at once when the signal was aborted before', async () => {
    const signal = AbortSignal.abort()
    const batch = new BatchBuilder()
    for (const engine of [single, pooled]) {
      const calls = [
        engine.verifyBatch([], { signal }),
        engine.generateBatch([], { signal }),
        engine.verifyColumns(batch, { signal }),
        engine.generateColumns(batch, { signal }),
        engine.resyncHotp('GEZDGNBVGY3TQOJQ', ['123456'], 0, { signal }),
      ]
      for (const call of calls) await expect(call).rejects.toMatchObject({ code: 'ABORTED' })
    }
  })

  it('stops a batch in the calling thread between its pieces', async () => {
    const controller = new AbortController()
    setImmediate(() => controller.abort())
    await expect(single.verifyBatch(totpRecords(100_000, 6), { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' })
  })

  it('rejects a signal that is not an AbortSignal', async () => {
    await expect(pooled.verifyBatch([], { signal: {} as AbortSignal })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' })
  })
})

describe('close', () => {
  it('lets the work under way finish, then rejects every later call', async () => {
    const engine = await createEngine({ threads: 2 })
    const records = totpRecords(40_000, 7)
    const expected = (await single.verifyBatch(records)).map(plain)
    const running = engine.verifyBatch(records)
    const closing = engine.close()
    expect((await running).map(plain)).toEqual(expected)
    await closing
    await engine.close()
    await expect(engine.verifyBatch(records)).rejects.toMatchObject({ code: 'ENGINE_CLOSED' })
    await expect(engine.resyncHotp('GEZDGNBVGY3TQOJQ', ['123456'], 0)).rejects.toMatchObject({ code: 'ENGINE_CLOSED' })
    await expect(engine.verifyStream(records)[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'ENGINE_CLOSED' })
    expect(() => engine.hotp('GEZDGNBVGY3TQOJQ', 0)).toThrow(expect.objectContaining({ code: 'ENGINE_CLOSED' }))
  })
})

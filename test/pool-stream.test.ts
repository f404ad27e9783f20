/**
 * verifyStream: results in order, as verifyBatch gives them, with the source read only as fast as
 * results are taken (a bounded number of shards in flight), in the calling thread and on the pool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OtpError, createEngine, type Engine, type VerifyRecord } from '../src/index.js'
import { poolEngine } from '../src/pool/pool-engine.js'
import { loadKernel } from '../src/kernels/select.js'
import { referenceHotp, rng } from './helpers/reference.js'

/** HOTP records over a few keys, a bad record now and then. */
function hotpRecords(count: number, seed: number): VerifyRecord[] {
  const r = rng(seed)
  const keys = Array.from({ length: 64 }, () => r.bytes(20))
  return Array.from({ length: count }, (_, i) => {
    if (i % 5003 === 17) return null as unknown as VerifyRecord
    const key = r.pick(keys)
    const counter = r.int(0, 1e9)
    return { secret: key, code: referenceHotp('SHA1', key, BigInt(counter + (i % 4)), 6), counter, window: 2 }
  })
}

const plain = (result: unknown) => (result instanceof OtpError ? `${result.code}: ${result.message}` : result)

/** An async source that counts the records taken from it, and whether it was told to stop. */
function counted(records: readonly VerifyRecord[]) {
  const state = { pulled: 0, finished: false }
  async function* source(): AsyncGenerator<VerifyRecord> {
    try {
      for (const record of records) {
        state.pulled++
        yield record
      }
    } finally {
      state.finished = true
    }
  }
  return { state, source: source() }
}

const records = hotpRecords(60_000, 9)
let expected: unknown[]
const engines: Record<string, Engine> = {}
let tasks = 0

beforeAll(async () => {
  engines['in process'] = await createEngine({ threads: 1 })
  engines['pool'] = poolEngine(loadKernel('auto'), 2, { sent: () => void tasks++ })
  expected = (await engines['in process']!.verifyBatch(records)).map(plain)
})

afterAll(async () => {
  await Promise.all(Object.values(engines).map((engine) => engine.close()))
})

describe.each(['in process', 'pool'])('verifyStream, %s', (name) => {
  it('gives verifyBatch results in order, reading the source only a bounded way ahead', async () => {
    const engine = engines[name]!
    const { state, source } = counted(records)
    const shardSize = 4000
    const maxInFlight = 3
    const results: unknown[] = []
    let furthest = 0
    for await (const result of engine.verifyStream(source, { shardSize, maxInFlight })) {
      results.push(plain(result))
      furthest = Math.max(furthest, state.pulled - results.length)
    }
    expect(results).toEqual(expected)
    expect(furthest).toBeLessThanOrEqual((maxInFlight + 1) * shardSize)
    expect(state.finished).toBe(true)
    if (name === 'pool') expect(tasks).toBeGreaterThan(0)
  })

  it('takes a plain iterable, with the default options', async () => {
    const results = []
    for await (const result of engines[name]!.verifyStream(records.slice(0, 20_000))) results.push(plain(result))
    expect(results).toEqual(expected.slice(0, 20_000))
  })

  it('stops reading the source when the consumer stops', async () => {
    const { state, source } = counted(records)
    let taken = 0
    for await (const result of engines[name]!.verifyStream(source, { shardSize: 3000, maxInFlight: 2 })) {
      expect(plain(result)).toEqual(expected[taken])
      if (++taken === 7000) break
    }
    expect(state.finished).toBe(true)
    expect(state.pulled).toBeLessThanOrEqual(7000 + 3 * 3000)
    // The engine serves the next call as usual.
    expect((await engines[name]!.verifyBatch(records.slice(0, 100))).map(plain)).toEqual(expected.slice(0, 100))
  })

  it('rejects with ABORTED when its signal aborts', async () => {
    const controller = new AbortController()
    const { state, source } = counted(records)
    const consume = async () => {
      let taken = 0
      for await (const _ of engines[name]!.verifyStream(source, { shardSize: 3000, signal: controller.signal })) {
        if (++taken === 4500) controller.abort()
      }
    }
    await expect(consume()).rejects.toMatchObject({ code: 'ABORTED' })
    expect(state.finished).toBe(true)
    expect(state.pulled).toBeLessThan(records.length)
  })

  it('listens to its signal once, however many shards are in flight', async () => {
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.name)
    process.on('warning', onWarning)
    const controller = new AbortController()
    let taken = 0
    for await (const _ of engines[name]!.verifyStream(records, { shardSize: 2500, maxInFlight: 24, signal: controller.signal })) taken++
    await new Promise((resolve) => setImmediate(resolve))
    process.off('warning', onWarning)
    expect(taken).toBe(records.length)
    expect(warnings).not.toContain('MaxListenersExceededWarning')
  })

  it('rejects bad options and sources on the first next()', async () => {
    const engine = engines[name]!
    const first = (iterable: AsyncIterable<unknown>) => iterable[Symbol.asyncIterator]().next()
    await expect(first(engine.verifyStream(records, { shardSize: 0 }))).rejects.toMatchObject({ code: 'INVALID_OPTIONS' })
    await expect(first(engine.verifyStream(records, { maxInFlight: 1.5 }))).rejects.toMatchObject({ code: 'INVALID_OPTIONS' })
    await expect(first(engine.verifyStream(records, { signal: 'stop' as unknown as AbortSignal }))).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    })
    await expect(first(engine.verifyStream(42 as unknown as VerifyRecord[]))).rejects.toMatchObject({ code: 'INVALID_RECORD' })
  })
})

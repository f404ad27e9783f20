/**
 * Regressions of the caller-trust rules (DESIGN.md, rules of the house): a call never writes, wipes,
 * detaches or keeps the caller's memory; it reads its input once, at the call; a loop that cuts work
 * into pieces throws rather than spins; aborts land soon on every kernel; every option name is known.
 * Each test here failed before the fix it guards.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  BatchBuilder,
  OtpError,
  base32Encode,
  buildUri,
  createEngine,
  hotp,
  parseUri,
  resyncHotp,
  totp,
  verifyHotp,
  verifyTotp,
  Hotp,
  Totp,
  type Engine,
  type VerifyRecord,
} from '../src/index.js'
import { createEngine as createBrowserEngine } from '../src/browser/engine.js'
import { counterChunks } from '../src/core/counter-chunks.js'
import type { Kernel, PackedBatch } from '../src/core/kernel.js'
import { engineOver } from '../src/engine/engine-over.js'
import { inProcessExecutor } from '../src/engine/executor.js'
import { createJsKernel } from '../src/kernels/js.js'
import { createWasmKernel, instantiateWasm } from '../src/kernels/wasm.js'
import { loadWasmModuleSync } from '../src/kernels/wasm-load.js'
import { poolEngine } from '../src/pool/pool-engine.js'
import { loadKernel } from '../src/kernels/select.js'
import { BACKENDS, engineFor } from './helpers/backends.js'
import { referenceHotp } from './helpers/reference.js'
import { otpErrorOf } from './helpers/errors.js'

const KEY = Uint8Array.from({ length: 20 }, (_, i) => i + 1)
const MAX = 2n ** 64n - 1n

const engines: Array<[string, Engine]> = []

beforeAll(async () => {
  for (const backend of BACKENDS) engines.push([`${backend}, 1 thread`, await engineFor(backend)])
  engines.push(['wasm, 2 threads', poolEngine(loadKernel('wasm'), 2)])
  engines.push(['js, 2 threads', poolEngine(loadKernel('js'), 2)])
})

afterAll(async () => {
  await Promise.all(engines.map(([, engine]) => engine.close()))
})

describe('caller memory is never written', () => {
  it('engine.resyncHotp leaves a Buffer secret, and the Buffer pool around a small one, as they were', async () => {
    const codes = [referenceHotp('SHA1', KEY, 5n, 6), referenceHotp('SHA1', KEY, 6n, 6)]
    for (const [name, engine] of engines) {
      const buffer = Buffer.from(KEY)
      // A small Buffer.from shares Node's 8 KB pool: its neighbours are other callers' bytes.
      const pooled = Buffer.from(KEY)
      const pool = new Uint8Array(pooled.buffer).slice()
      for (const lookAhead of [100, 200_000]) {
        expect(await engine.resyncHotp(buffer, codes, 0, { lookAhead }), name).toBe(7)
        expect(await engine.resyncHotp(pooled, codes, 0, { lookAhead }), name).toBe(7)
        expect([...buffer], name).toEqual([...KEY])
        expect(new Uint8Array(pooled.buffer), name).toEqual(pool)
      }
    }
  })

  it('the module-level resyncHotp leaves a Buffer secret as it was', () => {
    const buffer = Buffer.from(KEY)
    expect(resyncHotp(buffer, [referenceHotp('SHA1', KEY, 3n, 6)], 0)).toBe(4)
    expect([...buffer]).toEqual([...KEY])
  })
})

describe('input is taken at the call', () => {
  function builderOf(keys: Uint8Array[]): BatchBuilder {
    const batch = new BatchBuilder()
    for (const key of keys) batch.addHotp(batch.addKey(key), referenceHotp('SHA1', key, 9n, 6), 9)
    return batch
  }

  it('verifyColumns and generateColumns hold the builder busy until they settle', async () => {
    for (const [name, engine] of engines) {
      const batch = builderOf([KEY, KEY.map((b) => b ^ 0xff)])
      const pending = engine.verifyColumns(batch)
      expect(otpErrorOf(() => batch.reset()).code, name).toBe('BUILDER_BUSY')
      expect(otpErrorOf(() => batch.addKey(new Uint8Array(20))).code).toBe('BUILDER_BUSY')
      expect(otpErrorOf(() => batch.addHotp(0, '123456', 1)).code).toBe('BUILDER_BUSY')
      expect(otpErrorOf(() => batch.addKeys(new Uint8Array(20), [0, 20])).code).toBe('BUILDER_BUSY')
      expect(otpErrorOf(() => batch.wipe()).code).toBe('BUILDER_BUSY')
      const generated = engine.generateColumns(batch)
      expect(otpErrorOf(() => batch.addCounter(0, 1)).code).toBe('BUILDER_BUSY')
      expect([...(await pending).delta], name).toEqual([0, 0])
      expect([...(await generated).codes].map((c) => String(c).padStart(6, '0'))).toEqual([
        referenceHotp('SHA1', KEY, 9n, 6),
        referenceHotp(
          'SHA1',
          KEY.map((b) => b ^ 0xff),
          9n,
          6,
        ),
      ])
      batch.reset()
      expect(batch.size).toBe(0)
    }
  })

  it('a rejected columnar call releases the builder too', async () => {
    const batch = builderOf([KEY])
    const controller = new AbortController()
    controller.abort()
    await expect(engines[0]![1].verifyColumns(batch, { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' })
    batch.reset()
  })

  it('verifyStream reads a record when it takes it: a source that refills one Buffer per record', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => KEY.map((b) => (b * (i + 3)) & 0xff))
    // Every third code is off by one: with a window of 0 it can never match.
    const wrong = (code: string) => String((Number(code) + 1) % 1e6).padStart(6, '0')
    const expected = keys.map((_, i) => (i % 3 === 0 ? null : 0))
    for (const [name, engine] of engines) {
      const secret = Buffer.alloc(20)
      const record = { secret, code: '', counter: 0 }
      async function* source(): AsyncGenerator<VerifyRecord> {
        for (let i = 0; i < keys.length; i++) {
          secret.set(keys[i]!)
          record.counter = i
          const code = referenceHotp('SHA1', keys[i]!, BigInt(i), 6)
          record.code = i % 3 === 0 ? wrong(code) : code
          yield record
        }
      }
      const results: unknown[] = []
      for await (const result of engine.verifyStream(source(), { shardSize: 16 })) results.push(result)
      expect(results, name).toEqual(expected)
    }
  })

  it('verifyBatch reads every record at the call, however many groups it makes', async () => {
    const engine = engines[1]![1] // wasm, 1 thread: three groups in flight, the rest packed later
    const count = 4 * 16384 + 10
    const records = Array.from({ length: count }, (_, i) => ({ secret: KEY, code: '', counter: i }))
    const codes = records.map((r) => referenceHotp('SHA1', KEY, BigInt(r.counter), 6))
    records.forEach((r, i) => (r.code = codes[i]!))
    const pending = engine.verifyBatch(records)
    for (const record of records) record.code = 'xxxxxx'
    const results = await pending
    expect(results.every((r) => r === 0)).toBe(true)
  })
})

describe('caller columns are read once', () => {
  it('addKeys checks and uses one reading of the offsets', () => {
    // Offsets that read [0, 20] the first time and [0, 2,000,000] after: a 2 MB key, were they read twice.
    const reads = new Map<string, number>()
    const offsets = new Proxy([0, 20], {
      get(target, property, receiver) {
        if (property === '1') {
          const n = (reads.get('1') ?? 0) + 1
          reads.set('1', n)
          return n === 1 ? 20 : 2_000_000
        }
        return Reflect.get(target, property, receiver)
      },
    })
    const batch = new BatchBuilder()
    const bytes = new Uint8Array(2_000_000).fill(7)
    expect(batch.addKeys(bytes, offsets)).toBe(0)
    expect([...batch.build().packed.keyOffsets]).toEqual([0, 20])
    expect(reads.get('1')).toBe(1)
  })

  it('addHotpColumns and addTotpColumns read each entry of each column once', () => {
    const reads: Record<string, number> = {}
    const counting = <T>(name: string, values: T[]): T[] =>
      new Proxy(values, {
        get(target, property, receiver) {
          if (typeof property === 'string' && /^\d+$/.test(property))
            reads[`${name}[${property}]`] = (reads[`${name}[${property}]`] ?? 0) + 1
          return Reflect.get(target, property, receiver)
        },
      })
    const batch = new BatchBuilder()
    const key = batch.addKey(KEY)
    batch.addHotpColumns({
      keys: counting('keys', [key, key]),
      codes: counting('codes', ['123456', '654321']),
      counters: counting('counters', [1, 2]),
    })
    batch.addTotpColumns({
      keys: counting('tkeys', [key, key]),
      codes: counting('tcodes', ['123456', '654321']),
      times: counting('times', [59, 60]),
    })
    expect(Object.values(reads).every((n) => n === 1)).toBe(true)
    expect(Object.keys(reads)).toHaveLength(12)
  })

  it('the column calls read each column of their columns object once', () => {
    const batch = new BatchBuilder()
    const key = batch.addKey(KEY)
    const reads: Record<string, number> = {}
    const once = <T>(columns: T): T =>
      new Proxy(columns as object, {
        get(target, property, receiver) {
          if (typeof property === 'string') reads[property] = (reads[property] ?? 0) + 1
          return Reflect.get(target, property, receiver)
        },
      }) as T
    batch.addHotpColumns(once({ keys: Uint32Array.of(key, key), codes: ['123456', '654321'], counters: new Float64Array([1, 2]) }))
    batch.addTotpColumns(once({ keys: [key], codes: Uint32Array.of(123456), times: [59] }))
    expect(reads).toEqual({ keys: 2, codes: 2, counters: 1, times: 1 })
  })
})

describe('loops that cut work into pieces throw rather than spin', () => {
  it('the WASM kernel refuses a key larger than its key region', () => {
    const kernel = createWasmKernel()
    // One byte more than the kernel's key region holds, whatever its size.
    const big = (instantiateWasm(loadWasmModuleSync('wasm')).KEY_BYTES_CAPACITY.value as number) + 1
    const batch: PackedBatch = {
      count: 1,
      keyBytes: new Uint8Array(big),
      keyOffsets: Uint32Array.of(0, big),
      keyAlgorithms: Uint8Array.of(0),
      keyIndex: Uint32Array.of(0),
      counterHi: Uint32Array.of(0),
      counterLo: Uint32Array.of(0),
      code: Uint32Array.of(0),
      digits: Uint8Array.of(6),
      behind: Uint32Array.of(0),
      ahead: Uint32Array.of(0),
    }
    expect(() => kernel.verifyBatch(batch, new Int32Array(1))).toThrow(expect.objectContaining({ code: 'INTERNAL' }))
  })

  it('counter chunks of no counters throw', () => {
    expect(() => [...counterChunks(0, 0, 10, 0)]).toThrow(expect.objectContaining({ code: 'INTERNAL' }))
    expect(() => [...counterChunks(0, 0, 10, NaN)]).toThrow(expect.objectContaining({ code: 'INTERNAL' }))
  })
})

describe('aborts land within about 50 ms on a slow kernel', () => {
  // Simulated time: the kernel below advances the clock as a slow kernel would take real time (the
  // JS kernel's SHA-512 costs about 2.5 us an HMAC), and its abort timer comes due at `abortAt` ms.
  // No real timing.
  let now = 0
  // A stretch of work left open by an earlier test was timed on the real clock; it ends at the next
  // turn of the event loop. Let that turn come before the simulated clock starts at 0.
  beforeEach(() => new Promise<void>((resolve) => setImmediate(resolve)))
  afterEach(() => vi.restoreAllMocks())

  function slowKernel(microsPerHmac: number, controller: AbortController) {
    const real = createJsKernel()
    let last = 0
    let due = false
    const spend = (hmacs: number) => {
      now += (hmacs * microsPerHmac) / 1000
      last = now
      // A timer that came due while the thread computed fires at the next turn of the event loop.
      if (now >= kernel.abortAt && !due) {
        due = true
        setImmediate(() => controller.abort())
      }
    }
    const kernel = {
      ...real,
      abortAt: Infinity,
      scan: (_alg: unknown, _key: unknown, _hi: unknown, _lo: unknown, count: number) => (spend(count), -1),
      verifyBatch: (batch: PackedBatch, delta: Int32Array) => (spend(3 * batch.count), delta.fill(0x7fffffff), undefined),
      generateBatch: (batch: PackedBatch) => spend(2 * batch.count),
      stoppedAt: () => last,
    } satisfies Kernel & Record<string, unknown>
    return kernel
  }

  it('a resync scan', async () => {
    now = 0
    vi.spyOn(performance, 'now').mockImplementation(() => now)
    const controller = new AbortController()
    const kernel = slowKernel(2.5, controller)
    kernel.abortAt = 100
    const engine = engineOver(kernel, inProcessExecutor(kernel))
    const scan = engine.resyncHotp(KEY, ['123456'], 0, { lookAhead: 100_000_000, signal: controller.signal })
    await expect(scan).rejects.toMatchObject({ code: 'ABORTED' })
    expect(kernel.stoppedAt()).toBeLessThan(150)
  })

  it('a batch of many groups that each fit in one piece', async () => {
    // Groups chained through promise callbacks give no timer a turn unless the executor yields.
    now = 0
    vi.spyOn(performance, 'now').mockImplementation(() => now)
    const controller = new AbortController()
    const kernel = slowKernel(0.15, controller)
    const engine = engineOver(kernel, inProcessExecutor(kernel))
    const records = Array.from({ length: 300_000 }, (_, i) => ({ secret: KEY, code: '123456', counter: i }))
    // A first batch, so that the pieces grow to the kernel's speed: a whole group each.
    await engine.verifyBatch(records.slice(0, 60_000))
    const start = now
    kernel.abortAt = start + 20
    await expect(engine.verifyBatch(records, { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' })
    expect(kernel.stoppedAt() - start).toBeLessThan(20 + 50)
  })

  it('a batch', async () => {
    now = 0
    vi.spyOn(performance, 'now').mockImplementation(() => now)
    const controller = new AbortController()
    const kernel = slowKernel(10, controller)
    kernel.abortAt = 100
    const engine = engineOver(kernel, inProcessExecutor(kernel))
    const batch = new BatchBuilder({ records: 300_000 })
    const key = batch.addKey(KEY)
    for (let i = 0; i < 300_000; i++) batch.addTotp(key, '123456', 1e9 + i)
    await expect(engine.verifyColumns(batch, { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' })
    expect(kernel.stoppedAt()).toBeLessThan(150)
  })
})

describe('smaller ones', () => {
  it('resync codes with holes are INVALID_CODES', async () => {
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [, '123456'] as unknown as string[]
    expect(otpErrorOf(() => resyncHotp(KEY, sparse, 0)).code).toBe('INVALID_CODES')
    expect(otpErrorOf(() => resyncHotp(KEY, new Array(2) as string[], 0)).code).toBe('INVALID_CODES')
    for (const [name, engine] of engines) {
      await expect(engine.resyncHotp(KEY, sparse, 0), name).rejects.toMatchObject({ code: 'INVALID_CODES' })
    }
  })

  it('a record whose getter throws gets INVALID_RECORD; the others are verified', async () => {
    const good = { secret: KEY, code: referenceHotp('SHA1', KEY, 4n, 6), counter: 4 }
    const throwing = {
      secret: KEY,
      counter: 4,
      get code(): string {
        throw new Error('do not read me: JBSWY3DPEHPK3PXP')
      },
    }
    const secretThrows = Object.defineProperty({ code: '123456', counter: 1 }, 'secret', {
      get: () => {
        throw new TypeError('x')
      },
      enumerable: true,
    })
    const proxy = new Proxy(good, {
      get(target, property) {
        if (property === 'counter') throw new RangeError('trap')
        return Reflect.get(target, property)
      },
    })
    for (const [name, engine] of engines) {
      const results = await engine.verifyBatch([good, throwing, good, secretThrows as VerifyRecord, proxy])
      expect(results[0], name).toBe(0)
      expect(results[2]).toBe(0)
      for (const i of [1, 3, 4]) {
        expect(results[i]).toBeInstanceOf(OtpError)
        expect((results[i] as OtpError).code).toBe('INVALID_RECORD')
        expect((results[i] as OtpError).message).toContain(`record ${i}`)
        expect((results[i] as OtpError).message).not.toContain('JBSWY3DP')
      }
      // A Proxy whose `has` trap throws, as the routing of OCRA and Steam Guard records asks `in`.
      const hasThrows = new Proxy(good, {
        has() {
          throw new RangeError('trap')
        },
      })
      const ocraThrows = {
        suite: 'OCRA-1:HOTP-SHA1-6:QN08',
        secret: KEY,
        code: '123456',
        get question(): string {
          throw new Error('do not read me: JBSWY3DPEHPK3PXP')
        },
      }
      const routed = await engine.verifyBatch([good, hasThrows, ocraThrows as never])
      expect(routed[0]).toBe(0)
      for (const result of routed.slice(1)) {
        expect((result as OtpError).code).toBe('INVALID_RECORD')
        expect((result as OtpError).message).not.toContain('JBSWY3DP')
      }
      const generated = await engine.generateBatch([{ secret: KEY, counter: 4 }, secretThrows as never])
      expect(generated[0]).toBe(referenceHotp('SHA1', KEY, 4n, 6))
      expect((generated[1] as OtpError).code).toBe('INVALID_RECORD')
    }
  })

  it('null or non-object options are OtpError, never TypeError', () => {
    const batch = new BatchBuilder()
    const key = batch.addKey(KEY)
    const invalid = (run: () => unknown) => expect(otpErrorOf(run).code).toBe('INVALID_OPTIONS')
    invalid(() => base32Encode(KEY, null as never))
    invalid(() => base32Encode(KEY, 'yes' as never))
    invalid(() => new BatchBuilder(null as never))
    invalid(() => new BatchBuilder(5 as never))
    invalid(() => batch.addHotpColumns({ keys: [key], codes: ['123456'], counters: [1] }, null as never))
    invalid(() => batch.addTotpColumns({ keys: [key], codes: ['123456'], times: [1] }, null as never))
    for (const record of [
      batch.addHotp(key, '123456', 1, null as never),
      batch.addTotp(key, '123456', 1, null as never),
      batch.addTime(key, 1, null as never),
    ]) {
      expect(batch.build().settled.get(record)).toMatchObject({ code: 'INVALID_OPTIONS' })
    }
    invalid(() => hotp(KEY, 0, null as never))
    invalid(() => buildUri(null as never))
  })

  it('resyncHotp never answers a counter above 2^64 - 1', async () => {
    const last = [referenceHotp('SHA1', KEY, MAX - 1n, 6), referenceHotp('SHA1', KEY, MAX, 6)]
    expect(resyncHotp(KEY, last, MAX - 5n, { lookAhead: 100 })).toBeNull()
    expect(resyncHotp(KEY, [referenceHotp('SHA1', KEY, MAX, 6)], MAX)).toBeNull()
    for (const [name, engine] of engines) expect(await engine.resyncHotp(KEY, last, MAX - 5n), name).toBeNull()
  })

  it("algorithm names are matched as ASCII only: 'ſha256' is no algorithm", () => {
    expect('ſha256'.toUpperCase()).toBe('SHA256')
    expect(otpErrorOf(() => hotp(KEY, 0, { algorithm: 'ſha256' as never })).code).toBe('INVALID_ALGORITHM')
    expect(otpErrorOf(() => parseUri(`otpauth://totp/a?secret=${base32Encode(KEY)}&algorithm=%C5%BFha256`)).code).toBe('INVALID_URI')
    const batch = new BatchBuilder()
    const record = batch.addHotp(batch.addKey(KEY, 'ſha1' as never), '123456', 0)
    expect(batch.build().settled.get(record)).toMatchObject({ code: 'INVALID_ALGORITHM' })
    expect(hotp(KEY, 0, { algorithm: 'sha256' as never })).toBe(hotp(KEY, 0, { algorithm: 'SHA256' }))
  })

  it('buildUri refuses what parseUri would not read back', () => {
    const error = otpErrorOf(() => buildUri({ type: 'totp', secret: KEY, account: '  bob', issuer: 'Acme' }))
    expect(error.code).toBe('INVALID_OPTIONS')
    const period = Number.MAX_SAFE_INTEGER
    expect(parseUri(buildUri({ type: 'totp', secret: KEY, account: 'bob', period })).period).toBe(period)
    expect(parseUri(buildUri({ type: 'totp', secret: KEY, account: '  bob' })).account).toBe('  bob')
  })

  it("parseUri's messages never echo a parameter's value or an unknown parameter's name", () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DP'
    const base = `otpauth://totp/a?secret=${base32Encode(KEY)}`
    for (const uri of [
      `${base}&algorithm=${secret}`,
      `${base}&digits=${secret}`,
      `${base}&period=${secret}`,
      `otpauth://hotp/a?secret=${base32Encode(KEY)}&counter=${secret}`,
      `${base}&${secret}&${secret}`,
      `${base}&${secret}=%E5%B1`,
    ]) {
      const error = otpErrorOf(() => parseUri(uri))
      expect(error.code).toBe('INVALID_URI')
      expect(error.message).not.toContain('JBSWY3DP')
    }
  })

  it('an option the call does not know is INVALID_OPTIONS naming it', async () => {
    const engine = engines[0]![1]
    const unknown = (run: () => unknown) => {
      const error = otpErrorOf(run)
      expect(error.code).toBe('INVALID_OPTIONS')
      expect(error.message).toContain('"tim"')
    }
    const tim = { tim: 59 } as never
    unknown(() => hotp(KEY, 0, tim))
    unknown(() => totp(KEY, tim))
    unknown(() => verifyHotp(KEY, '123456', 0, tim))
    unknown(() => verifyTotp(KEY, '123456', tim))
    unknown(() => resyncHotp(KEY, ['123456'], 0, tim))
    unknown(() => engine.totp(KEY, tim))
    unknown(() => base32Encode(KEY, tim))
    unknown(() => new BatchBuilder(tim))
    unknown(() => buildUri({ type: 'totp', secret: KEY, account: 'a', tim: 1 } as never))
    unknown(() => new Totp(KEY, tim))
    unknown(() => new Hotp(KEY, tim))
    using token = new Totp(KEY)
    using counted = new Hotp(KEY)
    unknown(() => token.match('123456', tim))
    unknown(() => token.verify('123456', tim))
    unknown(() => counted.match('123456', 0, tim))
    unknown(() => counted.resync(['123456', '654321'], 0, tim))
    const batch = new BatchBuilder()
    const key = batch.addKey(KEY)
    unknown(() => batch.addHotpColumns({ keys: [key], codes: ['123456'], counters: [1] }, tim))
    unknown(() => batch.addTotpColumns({ keys: [key], codes: ['123456'], times: [1] }, tim))
    const record = batch.addTotp(key, '123456', 59, tim)
    expect(batch.build().settled.get(record)).toMatchObject({ code: 'INVALID_OPTIONS' })
    for (const call of [
      () => engine.resyncHotp(KEY, ['123456'], 0, tim),
      () => engine.verifyBatch([], tim),
      () => engine.generateBatch([], tim),
      () => engine.verifyColumns(new BatchBuilder(), tim),
      () => engine.generateColumns(new BatchBuilder(), tim),
      () => engine.verifyStream([], tim)[Symbol.asyncIterator]().next(),
      () => createEngine(tim),
      () => createBrowserEngine(tim),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'INVALID_OPTIONS', message: expect.stringContaining('"tim"') })
    }
    // Known options still pass, a signal and a look-ahead together among them.
    await expect(
      engine.resyncHotp(KEY, [referenceHotp('SHA1', KEY, 2n, 6)], 0, { lookAhead: 5, signal: new AbortController().signal }),
    ).resolves.toBe(3)
  })
})

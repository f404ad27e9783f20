/**
 * Ownership, as a property: every public call of the engine layer, given its inputs in every shape
 * of memory a caller may hold them in, on every backend with one thread and with a pool, leaves the
 * caller's bytes as they were and its buffers attached, answers what it answers for fresh copies,
 * and gives the same answer when the caller changes its inputs right after the call, before awaiting.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BatchBuilder, OtpError, buildUri, parseUri, type Engine, type VerifyRecord } from '../src/index.js'
import { poolEngine } from '../src/pool/pool-engine.js'
import { BACKENDS, engineFor, kernelFor, type TestBackend } from './helpers/backends.js'
import { referenceHotp, type Algorithm } from './helpers/reference.js'

/** The shapes of memory a caller's bytes come in. */
const SHAPES = ['fresh', 'buffer', 'pooled buffer', 'view with offset', 'shared'] as const
type Shape = (typeof SHAPES)[number]

/** `bytes` in memory of the given shape (a copy: the caller's own array). */
function shaped(bytes: Uint8Array, shape: Shape): Uint8Array {
  switch (shape) {
    case 'fresh':
      return Uint8Array.from(bytes)
    case 'buffer': {
      const buffer = Buffer.allocUnsafeSlow(bytes.length)
      buffer.set(bytes)
      return buffer
    }
    case 'pooled buffer':
      // A small Buffer.from is a slice of Node's shared 8 KB pool, at an offset.
      return Buffer.from(bytes)
    case 'view with offset': {
      const around = new Uint8Array(bytes.length + 16).fill(0xa5)
      around.set(bytes, 7)
      return around.subarray(7, 7 + bytes.length)
    }
    case 'shared': {
      const view = new Uint8Array(new SharedArrayBuffer(bytes.length + 8), 4, bytes.length)
      view.set(bytes)
      return view
    }
  }
}

/** Number columns: plain arrays, or typed arrays fresh, at an offset, or over shared memory. */
const COLUMN_SHAPES = ['plain', 'fresh', 'view with offset', 'shared'] as const
type ColumnShape = (typeof COLUMN_SHAPES)[number]
type NumberArray = Uint32Array | Float64Array

function column(values: number[], Type: typeof Uint32Array | typeof Float64Array, shape: ColumnShape): number[] | NumberArray {
  if (shape === 'plain') return [...values]
  if (shape === 'fresh') return Type.from(values)
  const size = Type.BYTES_PER_ELEMENT
  const buffer = shape === 'shared' ? new SharedArrayBuffer((values.length + 3) * size) : new ArrayBuffer((values.length + 3) * size)
  const view = new Type(buffer as ArrayBuffer, 2 * size, values.length)
  view.set(values)
  return view
}

/** What the caller's memory held, to check it after: the view's bytes, and for memory of its own the whole buffer. */
function snapshot(view: ArrayBufferView): { bytes: number[]; whole: number[] | undefined; length: number } {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
  const own = !(Buffer.isBuffer(view) && view.byteLength < view.buffer.byteLength)
  return { bytes: [...bytes], whole: own ? [...new Uint8Array(view.buffer)] : undefined, length: view.buffer.byteLength }
}

function expectUntouched(view: ArrayBufferView, before: ReturnType<typeof snapshot>, what: string): void {
  expect(view.buffer.byteLength, `${what}: detached`).toBe(before.length)
  expect([...new Uint8Array(view.buffer, view.byteOffset, view.byteLength)], `${what}: written`).toEqual(before.bytes)
  if (before.whole) expect([...new Uint8Array(view.buffer)], `${what}: written around the view`).toEqual(before.whole)
}

/** Overwrites the caller's memory, as a caller reusing it would. */
function scribble(view: NumberArray | Uint8Array | number[]): void {
  for (let i = 0; i < view.length; i++) view[i] = (Number(view[i]) * 7 + 13) % 251
}

interface Case {
  readonly keys: Uint8Array[]
  readonly shape: Shape
  readonly columnShape: ColumnShape
  readonly algorithm: Algorithm
  readonly digits: number
  readonly counter: number
  readonly time: number
  readonly mutate: boolean
}

const cases = fc.record({
  keys: fc.array(fc.uint8Array({ minLength: 1, maxLength: 70 }), { minLength: 1, maxLength: 4 }),
  shape: fc.constantFrom(...SHAPES),
  columnShape: fc.constantFrom(...COLUMN_SHAPES),
  algorithm: fc.constantFrom<Algorithm>('SHA1', 'SHA256', 'SHA512'),
  digits: fc.integer({ min: 6, max: 8 }),
  counter: fc.integer({ min: 0, max: 2 ** 40 }),
  time: fc.integer({ min: 0, max: 4e9 }),
  mutate: fc.boolean(),
})

const code = (c: Case, key: Uint8Array, counter: number) => referenceHotp(c.algorithm, key, BigInt(counter), c.digits)

/** Verify records for the case: each key `repeat` times, HOTP and TOTP, some codes right (delta 1), some wrong. */
function recordsOf(c: Case, keys: Uint8Array[], repeat: number): VerifyRecord[] {
  const records: VerifyRecord[] = []
  for (let r = 0; r < repeat; r++) {
    keys.forEach((secret, k) => {
      const { algorithm, digits } = c
      const right = (r + k) % 3 !== 0
      const hotpCode = right ? code(c, c.keys[k]!, c.counter + r + 1) : 'x'.repeat(digits)
      records.push({ secret, algorithm, digits, code: hotpCode, counter: c.counter + r, window: 1 })
      const step = Math.floor(c.time / 30)
      records.push({ secret, algorithm, digits, code: code(c, c.keys[k]!, step), time: c.time, window: 1 })
    })
  }
  return records
}

const plain = (results: unknown[]) => results.map((r) => (r instanceof OtpError ? r.code : r))

/**
 * Every API of the engine layer over one case. `big`: batches large enough for a pool's workers;
 * `bigScan`: a resync scan long enough for them too (too slow for the JS kernel in a unit test).
 */
async function checkCase(engine: Engine, c: Case, big: boolean, bigScan = big): Promise<void> {
  const { algorithm, digits, counter, time } = c
  const key = c.keys[0]!
  const options = { algorithm, digits }

  // Single codes.
  const secret = shaped(key, c.shape)
  const before = snapshot(secret)
  expect(engine.hotp(secret, counter, options)).toBe(code(c, key, counter))
  expect(engine.totp(secret, { ...options, time })).toBe(code(c, key, Math.floor(time / 30)))
  expect(engine.verifyHotp(secret, code(c, key, counter + 1), counter, { ...options, window: 2 })).toBe(1)
  expect(engine.verifyTotp(secret, code(c, key, Math.floor(time / 30)), { ...options, time })).toBe(0)
  expectUntouched(secret, before, 'single codes')

  // A resync scan: far enough to go to the workers when `big`.
  const at = counter + (bigScan ? 70_000 : 3)
  const codes = [code(c, key, at), code(c, key, at + 1)]
  const resync = engine.resyncHotp(secret, codes, counter, { ...options, lookAhead: bigScan ? 100_000 : 10 })
  if (c.mutate) scribble(secret)
  const after = snapshot(secret)
  expect(await resync).toBe(at + 2)
  expectUntouched(secret, after, 'resyncHotp')

  // verifyBatch and generateBatch over secrets in the case's shape.
  const secrets = c.keys.map((k) => shaped(k, c.shape))
  const states = secrets.map(snapshot)
  const repeat = big ? Math.ceil(2000 / c.keys.length) : 2
  const records = recordsOf(c, secrets, repeat)
  const freshRecords = recordsOf(
    c,
    c.keys.map((k) => Uint8Array.from(k)),
    repeat,
  )
  const expected = plain(await engine.verifyBatch(freshRecords))
  const expectedCodes = await engine.generateBatch(freshRecords)
  const verified = engine.verifyBatch(records)
  const generated = engine.generateBatch(records)
  if (c.mutate) {
    for (const record of records) record.code = '000000'
    secrets.forEach(scribble)
  }
  const kept = secrets.map(snapshot)
  expect(plain(await verified)).toEqual(expected)
  expect(await generated).toEqual(expectedCodes)
  secrets.forEach((s, i) => expectUntouched(s, c.mutate ? kept[i]! : states[i]!, 'verifyBatch'))

  // The columnar form: addKey, addKeys, addHotpColumns, addTotpColumns; verifyColumns, generateColumns.
  const joined = new Uint8Array(c.keys.reduce((n, k) => n + k.length, 0))
  const offsets = [0]
  for (const k of c.keys) {
    joined.set(k, offsets.at(-1)!)
    offsets.push(offsets.at(-1)! + k.length)
  }
  const bytes = shaped(joined, c.shape)
  const offsetColumn = column(offsets, Uint32Array, c.columnShape)
  const rows = big ? 2000 : 5
  const keyOf = Array.from({ length: rows }, (_, i) => i % c.keys.length)
  const counters = keyOf.map((_, i) => counter + i)
  const hotpCodes = keyOf.map((k, i) => code(c, c.keys[k]!, counters[i]! + 1))
  const times = keyOf.map((_, i) => time + 30 * i)
  const totpCodes = keyOf.map((k, i) => code(c, c.keys[k]!, Math.floor(times[i]! / 30)))
  const build = (keysBytes: Uint8Array, keysOffsets: number[] | NumberArray, shape: ColumnShape) => {
    const batch = new BatchBuilder()
    const first = batch.addKeys(keysBytes, keysOffsets, algorithm)
    const keyColumn = column(
      keyOf.map((k) => first + k),
      Uint32Array,
      shape,
    )
    const counterColumn = column(counters, Float64Array, shape)
    const timeColumn = column(times, Float64Array, shape)
    batch.addHotpColumns({ keys: keyColumn, codes: hotpCodes, counters: counterColumn }, { digits, window: 1 })
    batch.addTotpColumns({ keys: keyColumn, codes: totpCodes, times: timeColumn }, { digits, window: 0 })
    batch.addHotp(batch.addKey(secrets[0]!, algorithm), code(c, key, counter), counter, { digits })
    return { batch, columns: [keyColumn, counterColumn, timeColumn] }
  }
  const reference = build(Uint8Array.from(joined), offsets, 'fresh').batch
  const want = await engine.verifyColumns(reference)
  const wantCodes = await engine.generateColumns(reference)
  const { batch, columns } = build(bytes, offsetColumn, c.columnShape)
  const bytesState = snapshot(bytes)
  const verifying = engine.verifyColumns(batch)
  const generating = engine.generateColumns(batch)
  expect(() => batch.addKey(key)).toThrow(expect.objectContaining({ code: 'BUILDER_BUSY' }))
  if (c.mutate) {
    scribble(bytes)
    scribble(offsetColumn)
    columns.forEach(scribble)
    secrets.forEach(scribble)
  }
  const bytesAfter = snapshot(bytes)
  const got = await verifying
  expect([...got.delta]).toEqual([...want.delta])
  expect([...got.status]).toEqual([...want.status])
  expect([...(await generating).codes]).toEqual([...wantCodes.codes])
  expectUntouched(bytes, c.mutate ? bytesAfter : bytesState, 'columns')
  batch.reset()

  // verifyStream, from a source that refills one record and one Buffer for every record.
  const streamed: unknown[] = []
  const fresh = recordsOf(c, c.keys, repeat)
  const reused = shaped(new Uint8Array(70), c.shape)
  async function* source(): AsyncGenerator<VerifyRecord> {
    const record: Record<string, unknown> = {}
    for (const r of fresh) {
      const length = (r.secret as Uint8Array).length
      const view = reused.subarray(0, length)
      view.set(r.secret as Uint8Array)
      for (const name of Object.keys(record)) delete record[name]
      Object.assign(record, r, { secret: view })
      yield record as unknown as VerifyRecord
    }
  }
  for await (const result of engine.verifyStream(source(), { shardSize: big ? 512 : 3 })) streamed.push(result)
  expect(plain(streamed)).toEqual(expected)

  // URIs: built from a secret in the case's shape as from a fresh copy; read back as the library's own bytes.
  const uriSecret = shaped(key, c.shape)
  const uriState = snapshot(uriSecret)
  const uri = buildUri({ type: 'totp', secret: uriSecret, account: 'a', algorithm, digits })
  expect(uri).toBe(buildUri({ type: 'totp', secret: Uint8Array.from(key), account: 'a', algorithm, digits }))
  expectUntouched(uriSecret, uriState, 'buildUri')
  const parsed = parseUri(uri)
  expect([...parsed.secret]).toEqual([...key])
  parsed.secret.fill(0)
  expect(parseUri(uri).secret).toEqual(Uint8Array.from(key))
}

const engines = new Map<string, Engine>()

async function pooled(backend: TestBackend): Promise<Engine> {
  return poolEngine(kernelFor(backend), 2)
}

beforeAll(async () => {
  for (const backend of BACKENDS) {
    engines.set(`${backend}/1`, await engineFor(backend))
    engines.set(`${backend}/2`, await pooled(backend))
  }
})

afterAll(async () => {
  await Promise.all([...engines.values()].map((engine) => engine.close()))
})

describe.each(BACKENDS)('%s backend', (backend) => {
  it('one thread: caller memory untouched, answers as for fresh copies, inputs taken at the call', async () => {
    await fc.assert(
      fc.asyncProperty(cases, (c) => checkCase(engines.get(`${backend}/1`)!, c, false)),
      { numRuns: 12 },
    )
  })

  it('two threads: the same, with batches and scans large enough for the workers', async () => {
    await fc.assert(
      fc.asyncProperty(cases, (c) => checkCase(engines.get(`${backend}/2`)!, c, true, backend !== 'js')),
      { numRuns: 2 },
    )
  })
})

// OCRA (RFC 6287) on every backend: the appendix C vectors (every table), as single calls, through
// the mutual helpers and in batches; and random suites and inputs against the node:crypto reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { OtpError, ocraChallenge, parseOcraSuite, type Engine, type OcraVerifyRecord } from '../src/index.js'
import { ocraApi } from '../src/core/ocra/ocra.js'
import type { Kernel } from '../src/core/kernel.js'
import { BACKENDS, engineFor, kernelFor } from './helpers/backends.js'
import { referenceOcra } from './helpers/ocra-reference.js'
import { rng } from './helpers/reference.js'

interface Row {
  question: string
  code: string
  counter?: number
  timestamp?: string
  clientQuestion?: string
  serverQuestion?: string
}
interface Table {
  section: string
  suite: string
  key: string
  password?: string
  mutual?: 'server' | 'client'
  rows: Row[]
}
const FIXTURE = JSON.parse(readFileSync(new URL('./vectors/rfc6287-appendix-c.json', import.meta.url), 'utf8')) as {
  keys: Record<string, string>
  pin: string
  pinSha1: string
  tables: Table[]
}
const keyOf = (table: Table) => Buffer.from(FIXTURE.keys[table.key]!, 'hex')
const inputOf = (table: Table, row: Row) => ({
  question: row.question,
  ...(row.counter !== undefined && { counter: row.counter }),
  ...(row.timestamp !== undefined && { timestamp: BigInt(`0x${row.timestamp}`) }),
  ...(table.password !== undefined && { password: table.password }),
})

describe('RFC 6287 appendix C fixture', () => {
  it('covers every table: one-way, mutual server and client, plain signature, counter, PIN, time', () => {
    const sections = new Set(FIXTURE.tables.map((t) => t.section))
    expect([...sections].sort()).toEqual([
      'C.1 One-Way Challenge Response',
      'C.2 Mutual Challenge-Response, client computes',
      'C.2 Mutual Challenge-Response, server computes',
      'C.3 Plain Signature',
    ])
    expect(FIXTURE.tables).toHaveLength(11)
    const suites = FIXTURE.tables.map((t) => t.suite).join(' ')
    for (const part of [':C-', 'PSHA1', 'T1M', 'QA10', 'SHA512', 'SHA256', 'SHA1-6']) expect(suites).toContain(part)
  })

  it('agrees with an independent OCRA over node:crypto, row by row', () => {
    for (const table of FIXTURE.tables) {
      for (const row of table.rows) {
        const { timestamp, ...rest } = inputOf(table, row)
        expect(referenceOcra(table.suite, keyOf(table), { ...rest, timestamp }), `${table.suite} ${row.question}`).toBe(row.code)
      }
    }
  })
})

describe.each(BACKENDS)('OCRA on %s', (backend) => {
  let engine: Engine
  let kernel: Kernel
  beforeAll(async () => {
    engine = await engineFor(backend)
    kernel = kernelFor(backend)
  })
  afterAll(() => engine.close())

  it.each(FIXTURE.tables.map((t) => [`${t.section}: ${t.suite}${t.mutual ? ` (${t.mutual})` : ''}`, t] as const))('%s', (_, table) => {
    const api = ocraApi(kernel)
    for (const row of table.rows) {
      const input = inputOf(table, row)
      if (!table.mutual) {
        expect(engine.ocra(table.suite, keyOf(table), input)).toBe(row.code)
        expect(engine.verifyOcra(table.suite, keyOf(table), row.code, input)).toBe(0)
      } else {
        const { question: _, ...rest } = input
        const mutual = { ...rest, clientQuestion: row.clientQuestion!, serverQuestion: row.serverQuestion! }
        const respond = table.mutual === 'server' ? api.ocraServerResponse : api.ocraClientResponse
        const check = table.mutual === 'server' ? api.verifyOcraServerResponse : api.verifyOcraClientResponse
        expect(respond(table.suite, keyOf(table), mutual)).toBe(row.code)
        expect(check(table.suite, keyOf(table), row.code, mutual)).toBe(0)
      }
    }
  })

  it('turns numeric questions of every length and shape into their hex, alone and in a batch', async () => {
    const suite = 'OCRA-1:HOTP-SHA1-6:QN64'
    const key = Buffer.from(FIXTURE.keys[FIXTURE.tables[0]!.key]!, 'hex')
    const r = rng(11)
    const questions = ['0000', '0001', '0015', '0016', '00000255', '000000256', '268435455', '268435456', '999999999']
    questions.push('1000000000', '4294967295', '4294967296', '9007199254740991', '9007199254740993', '9'.repeat(64))
    for (let length = 4; length <= 20; length++) questions.push(Array.from({ length }, () => r.int(0, 9)).join(''))
    const records: OcraVerifyRecord[] = []
    for (const question of questions) {
      const code = referenceOcra(suite, key, { question })
      expect(engine.ocra(suite, key, { question }), question).toBe(code)
      records.push({ suite, secret: key, code, question })
    }
    expect(await engine.verifyBatch(records)).toEqual(questions.map(() => 0))
  })

  it('verifies mutual records whose two questions fill the longest combined question, in a batch', async () => {
    // Rows carry the question field only as far as a question can reach: two questions of xx
    // characters each reach furthest.
    const key = Buffer.from(FIXTURE.keys[FIXTURE.tables[0]!.key]!, 'hex')
    const r = rng(12)
    const records: OcraVerifyRecord[] = []
    const expected: (number | null)[] = []
    for (const suite of ['OCRA-1:HOTP-SHA1-6:QN08', 'OCRA-1:HOTP-SHA1-8:QN64', 'OCRA-1:HOTP-SHA256-6:QH64', 'OCRA-1:HOTP-SHA1-6:QA64']) {
      const { format, length } = parseOcraSuite(suite).question
      const alphabet = format === 'N' ? '9876543210' : format === 'H' ? 'fedcbaFEDCBA9876543210' : 'zZ~ 09aA'
      for (let i = 0; i < 4; i++) {
        const text = () => Array.from({ length }, () => alphabet[r.int(0, alphabet.length - 1)]).join('')
        const [clientQuestion, serverQuestion] = [text(), text()]
        const mutual = i % 2 === 0 ? 'server' : 'client'
        const question = mutual === 'server' ? clientQuestion + serverQuestion : serverQuestion + clientQuestion
        const code = referenceOcra(suite, key, { question })
        const wrong = i === 3
        records.push({
          suite,
          secret: key,
          code: wrong ? code.replace(/.$/, (d) => String((Number(d) + 1) % 10)) : code,
          mutual,
          clientQuestion,
          serverQuestion,
        })
        expected.push(wrong ? null : 0)
      }
    }
    expect(await engine.verifyBatch(records)).toEqual(expected)
  })

  it('takes the PIN as its hash too (PSHA1 of 1234, bytes or hex)', () => {
    const table = FIXTURE.tables.find((t) => t.suite === 'OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1')!
    const row = table.rows[3]!
    const { password: _, ...input } = inputOf(table, row)
    expect(engine.ocra(table.suite, keyOf(table), { ...input, passwordHash: FIXTURE.pinSha1 })).toBe(row.code)
    expect(engine.ocra(table.suite, keyOf(table), { ...input, passwordHash: Buffer.from(FIXTURE.pinSha1, 'hex') })).toBe(row.code)
  })

  it('verifies every appendix C row in one batch, beside HOTP records, with a wrong code per table', async () => {
    const records: (OcraVerifyRecord | { secret: string; code: string; counter: number })[] = []
    const expected: (number | null)[] = []
    for (const table of FIXTURE.tables) {
      const recordOf = (row: Row, code: string): OcraVerifyRecord => {
        const { question, ...input } = inputOf(table, row)
        return table.mutual
          ? {
              suite: table.suite,
              secret: keyOf(table),
              code,
              ...input,
              mutual: table.mutual,
              clientQuestion: row.clientQuestion!,
              serverQuestion: row.serverQuestion!,
            }
          : { suite: table.suite, secret: keyOf(table), code, question, ...input }
      }
      for (const row of table.rows) {
        records.push(recordOf(row, row.code))
        expected.push(0)
      }
      const row = table.rows[0]!
      const wrong = String((Number(row.code) + 1) % 10 ** row.code.length).padStart(row.code.length, '0')
      records.push(recordOf(row, wrong))
      expected.push(null)
      records.push({ secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', code: '755224', counter: 0 })
      expected.push(0)
    }
    expect(await engine.verifyBatch(records)).toEqual(expected)
  })

  it('verifyStream answers OCRA and Steam Guard records as verifyBatch does, in order', async () => {
    const key = Buffer.from(FIXTURE.keys.seed20!, 'hex')
    const suite = 'OCRA-1:HOTP-SHA1-6:QN08'
    const records = [
      { secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', code: '755224', counter: 0 },
      { suite, secret: key, code: '237653', question: '00000000' },
      { suite, secret: key, code: '237654', question: '00000000' },
      { secret: key, code: engine.totp(key, { encoding: 'steam', time: 600 }), encoding: 'steam' as const, time: 630 },
      { secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', code: '287082', counter: 1 },
      { suite: 'OCRA-1', secret: key, code: '1', question: '1' },
      { suite, secret: key, code: '243178', question: '11111111' },
    ]
    const expected = [0, 0, null, -1, 0, 'INVALID_OCRA_SUITE', 0]
    const show = (r: unknown) => (r instanceof OtpError ? r.code : r)
    expect((await engine.verifyBatch(records)).map(show)).toEqual(expected)
    const streamed: unknown[] = []
    async function* slowly() {
      for (const record of records) yield record
    }
    for await (const result of engine.verifyStream(slowly())) streamed.push(show(result))
    expect(streamed).toEqual(expected)
  })

  it('finds counters ahead and time steps around, closest first, in single calls and batches', async () => {
    const suite = 'OCRA-1:HOTP-SHA512-8:C-QN08-T1M'
    const key = Buffer.from(FIXTURE.keys.seed64!, 'hex')
    const code = referenceOcra(suite, key, { question: '12345678', counter: 7n, timestamp: 1000n })
    const base = { question: '12345678', counter: 5, timestamp: 1001, counterWindow: 3, timeWindow: 2 }
    expect(engine.verifyOcra(suite, key, code, base)).toBe(2)
    expect(engine.verifyOcra(suite, key, code, { ...base, counterWindow: 1 })).toBeNull()
    expect(engine.verifyOcra(suite, key, code, { ...base, timeWindow: 0 })).toBeNull()
    const timed = 'OCRA-1:HOTP-SHA1-6:QN08-T30S'
    const at = referenceOcra(timed, key, { question: '0042', timestamp: 99n })
    expect(engine.verifyOcra(timed, key, at, { question: '0042', time: 100 * 30 + 5, timeWindow: 1 })).toBe(-1)
    expect(engine.verifyOcra(timed, key, at, { question: '0042', time: 98 * 30, timeWindow: 1 })).toBe(1)
    expect(engine.verifyOcra(timed, key, at, { question: '0042', time: 101 * 30, timeWindow: 1 })).toBeNull()
    expect(
      await engine.verifyBatch([
        { suite, secret: key, code, ...base },
        { suite, secret: key, code, ...base, counterWindow: 1 },
        { suite: timed, secret: key, code: at, question: '0042', time: 100 * 30 + 5, timeWindow: 1 },
      ]),
    ).toEqual([2, null, -1])
  })

  it('agrees with node:crypto on random suites and inputs, generated and verified', async () => {
    const r = rng(6287)
    const records: OcraVerifyRecord[] = []
    for (let i = 0; i < 300; i++) {
      const hash = r.pick(['SHA1', 'SHA256', 'SHA512'])
      const digits = r.pick([0, 4, 6, 8, 10])
      const format = r.pick(['N', 'A', 'H'] as const)
      const qlen = r.int(4, 64)
      const parts = [`Q${format}${String(qlen).padStart(2, '0')}`]
      const withCounter = r.next() < 0.5
      if (withCounter) parts.unshift('C')
      const pin = r.next() < 0.4 ? r.pick(['SHA1', 'SHA256', 'SHA512']) : undefined
      if (pin) parts.push(`PSHA${pin.slice(3)}`)
      const session = r.next() < 0.3 ? r.int(1, 512) : undefined
      if (session) parts.push(`S${String(session).padStart(3, '0')}`)
      const timed = r.next() < 0.4
      if (timed) parts.push(`T${r.int(1, 59)}M`)
      const suite = `OCRA-1:HOTP-${hash}-${digits}:${parts.join('-')}`
      const key = r.bytes(r.pick([1, 20, 32, 64, 65, 128, 129, 200]))
      const n = r.int(4, qlen)
      const alphabet = format === 'N' ? '0123456789' : format === 'H' ? '0123456789abcdefABCDEF' : 'ABCxyz019 ~!'
      const question = Array.from({ length: n }, () => alphabet[r.int(0, alphabet.length - 1)]).join('')
      const input = {
        question,
        ...(withCounter && { counter: r.next() < 0.5 ? r.u64() : r.int(0, 1000) }),
        ...(pin && { password: String(r.int(0, 999999)) }),
        ...(session && { session: Buffer.from(r.bytes(session)).toString('hex') }),
        ...(timed && { timestamp: r.int(0, 2 ** 32) }),
      }
      const expected = referenceOcra(suite, key, input)
      expect(engine.ocra(suite, key, input), suite).toBe(expected)
      expect(engine.verifyOcra(suite, key, expected, input)).toBe(0)
      records.push({ suite, secret: key, code: expected, ...input })
    }
    const results = await engine.verifyBatch(records)
    expect(results).toEqual(records.map(() => 0))
  })

  it('uses the same kernel path whatever the backend: verifyOcra wipes nothing of the caller', () => {
    const suite = 'OCRA-1:HOTP-SHA1-6:QN08-S064'
    const key = Buffer.from(FIXTURE.keys.seed20!, 'hex')
    const session = new Uint8Array(64).fill(7)
    const code = engine.ocra(suite, key, { question: '1234', session })
    expect(engine.verifyOcra(suite, key, code, { question: '1234', session })).toBe(0)
    expect([...session].every((b) => b === 7)).toBe(true)
    expect(key.toString('hex')).toBe(FIXTURE.keys.seed20)
  })

  it('reads keys and session data from pooled Buffers and SharedArrayBuffer views at an offset, as from fresh arrays', async () => {
    const suite = 'OCRA-1:HOTP-SHA1-6:QN08-S064'
    const plainKey = new Uint8Array(Buffer.from(FIXTURE.keys.seed20!, 'hex'))
    const plainSession = new Uint8Array(64).map((_, i) => i * 3)
    const shared = <T extends Uint8Array>(bytes: T, offset: number) => {
      const view = new Uint8Array(new SharedArrayBuffer(offset + bytes.length + 7), offset, bytes.length)
      view.set(bytes)
      return view
    }
    const want = referenceOcra(suite, plainKey, { question: '12345678', session: Buffer.from(plainSession).toString('hex') })
    // Buffer.from(hex) of a short text is a slice of Node's shared pool: an offset into a larger buffer.
    const pooled = Buffer.from(FIXTURE.keys.seed20!, 'hex')
    for (const [key, session] of [
      [pooled, Buffer.from(plainSession)],
      [shared(plainKey, 13), shared(plainSession, 5)],
    ] as const) {
      const input = { question: '12345678', session }
      expect(engine.ocra(suite, key, input)).toBe(want)
      expect(engine.verifyOcra(suite, key, want, input)).toBe(0)
      expect(await engine.verifyBatch([{ suite, secret: key, code: want, ...input }])).toEqual([0])
      expect([...key]).toEqual([...plainKey])
      expect([...session]).toEqual([...plainSession])
    }
  })
})

describe('ocraChallenge', () => {
  it('draws a question of the suite format and length, which ocra accepts', () => {
    for (const [suite, pattern] of [
      ['OCRA-1:HOTP-SHA1-6:QN08', /^[0-9]{8}$/],
      ['OCRA-1:HOTP-SHA1-6:QA64', /^[A-Za-z0-9]{64}$/],
      ['OCRA-1:HOTP-SHA1-6:QH40', /^[0-9A-F]{40}$/],
    ] as const) {
      const challenge = ocraChallenge(suite)
      expect(challenge).toMatch(pattern)
      expect(referenceOcra(suite, new Uint8Array(20), { question: challenge })).toMatch(/^\d{6}$/)
    }
    const seen = new Set(Array.from({ length: 50 }, () => ocraChallenge('OCRA-1:HOTP-SHA1-6:QN08')))
    expect(seen.size).toBeGreaterThan(45)
    expect(parseOcraSuite('OCRA-1:HOTP-SHA1-6:QN08')).toBe(parseOcraSuite('OCRA-1:HOTP-SHA1-6:QN08'))
  })
})

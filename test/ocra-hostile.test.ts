// Hostile OCRA input: malformed suites, questions, PINs, session data, times, windows and options,
// each refused with its own OtpError code and a message that names the part and never a secret; and
// a kernel that fails mid-batch, whose records each get the failure.
import { describe, expect, it } from 'vitest'
import { OtpError, ocra, verifyOcra, parseOcraSuite, ocraChallenge, ocraServerResponse, createEngine } from '../src/index.js'
import { verifyKernelSideRecords } from '../src/batch/ocra-records.js'
import type { Kernel, MessageBatch } from '../src/core/kernel.js'
import { kernelFor } from './helpers/backends.js'

const KEY = new Uint8Array(20).fill(0x31)
const SECRET_TEXT = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(OtpError)
    expect((error as Error).message).not.toContain(SECRET_TEXT)
    return (error as OtpError).code
  }
  throw new Error('expected an OtpError')
}

describe('hostile OCRA suites', () => {
  it.each([
    ['', 'parts'],
    ['OCRA-1:HOTP-SHA1-6', 'parts'],
    ['OCRA-2:HOTP-SHA1-6:QN08', 'part 1 "OCRA-2"'],
    ['ocra-1:HOTP-SHA1-6:QN08', 'part 1'],
    ['OCRA-1:HOTP-MD5-6:QN08', 'part 2'],
    ['OCRA-1:TOTP-SHA1-6:QN08', 'part 2'],
    ['OCRA-1:HOTP-SHA1-3:QN08', 'truncation "3"'],
    ['OCRA-1:HOTP-SHA1-11:QN08', 'truncation "11"'],
    ['OCRA-1:HOTP-SHA1-06:QN08', 'truncation "06"'],
    ['OCRA-1:HOTP-SHA1-6:QN03', 'question "QN03"'],
    ['OCRA-1:HOTP-SHA1-6:QN65', 'question "QN65"'],
    ['OCRA-1:HOTP-SHA1-6:QX08', 'data input "QX08"'],
    ['OCRA-1:HOTP-SHA1-6:C', 'data input ""'],
    ['OCRA-1:HOTP-SHA1-6:QN08-C', 'data input "C"'],
    ['OCRA-1:HOTP-SHA1-6:QN08-PMD5', 'data input "PMD5"'],
    ['OCRA-1:HOTP-SHA1-6:QN08-S000', 'session "S000"'],
    ['OCRA-1:HOTP-SHA1-6:QN08-S513', 'session "S513"'],
    ['OCRA-1:HOTP-SHA1-6:QN08-T0S', 'time step "T0S"'],
    ['OCRA-1:HOTP-SHA1-6:QN08-T60M', 'time step "T60M"'],
    ['OCRA-1:HOTP-SHA1-6:QN08-T49H', 'time step "T49H"'],
    ['OCRA-1:HOTP-SHA1-6:QN08-T1M-PSHA1', 'out of order'],
    ['OCRA-1:HOTP-SHA1-6:QN08-PSHA1-PSHA1', 'repeated'],
    ['OCRA-1:HOTP-SHA1-6:QN08-', 'data input ""'],
    ['OCRA-1:HOTP-SHA1-6:QN08:', 'parts'],
    ['OCRA-1:HOTP-SHA1-6:QN08'.padEnd(200, 'x'), 'at most 64'],
  ])('%j is INVALID_OCRA_SUITE naming %s', (suite, part) => {
    expect(codeOf(() => parseOcraSuite(suite))).toBe('INVALID_OCRA_SUITE')
    expect(() => ocra(suite, KEY, { question: '12345678' })).toThrow(part)
    expect(codeOf(() => ocraChallenge(suite))).toBe('INVALID_OCRA_SUITE')
  })

  it('refuses a suite that is not a string', () => {
    for (const suite of [undefined, null, 42, {}, ['OCRA-1:HOTP-SHA1-6:QN08']]) {
      expect(codeOf(() => ocra(suite as never, KEY, { question: '1234' }))).toBe('INVALID_OCRA_SUITE')
    }
  })

  it('parses the grammar edges: t = 0 and 4 to 10, Q 04 to 64, S001 to S512, T ranges', () => {
    for (const suite of [
      'OCRA-1:HOTP-SHA1-0:QN04',
      'OCRA-1:HOTP-SHA512-10:C-QH64-PSHA512-S512-T48H',
      'OCRA-1:HOTP-SHA256-4:QA04-S001-T59S',
      'OCRA-1:HOTP-SHA1-6:QN08-T0H',
    ]) {
      expect(parseOcraSuite(suite).suite).toBe(suite)
    }
    expect(parseOcraSuite('OCRA-1:HOTP-SHA512-10:C-QH64-PSHA512-S512-T48H').layout).toEqual({
      length: 46 + 1 + 8 + 128 + 64 + 512 + 8,
      counterAt: 47,
      questionAt: 55,
      passwordAt: 183,
      sessionAt: 247,
      timeAt: 759,
    })
  })
})

describe('hostile OCRA inputs', () => {
  const S = 'OCRA-1:HOTP-SHA1-6:C-QN08-PSHA1-S016-T1M'
  const good = { question: '12345678', counter: 1, password: '1234', session: '00'.repeat(16), timestamp: 5 }
  it('computes with good inputs', () => expect(ocra(S, KEY, good)).toMatch(/^\d{6}$/))

  it.each([
    ['INVALID_CHALLENGE', { question: '123' }],
    ['INVALID_CHALLENGE', { question: '123456789' }],
    ['INVALID_CHALLENGE', { question: '1234567a' }],
    ['INVALID_CHALLENGE', { question: '１２３４５６７８' }],
    ['INVALID_CHALLENGE', { question: ' 1234567' }],
    ['INVALID_CHALLENGE', { question: 12345678 }],
    ['INVALID_CHALLENGE', { question: undefined }],
    ['INVALID_COUNTER', { counter: undefined }],
    ['INVALID_COUNTER', { counter: -1 }],
    ['INVALID_COUNTER', { counter: 2 ** 64 }],
    ['INVALID_COUNTER', { counter: 1n << 64n }],
    ['INVALID_COUNTER', { counter: 1.5 }],
    ['INVALID_PASSWORD', { password: undefined }],
    ['INVALID_PASSWORD', { password: '' }],
    ['INVALID_PASSWORD', { password: 'x'.repeat(1025) }],
    ['INVALID_PASSWORD', { password: 1234 }],
    ['INVALID_PASSWORD', { passwordHash: '7110eda4' }],
    ['INVALID_PASSWORD', { password: undefined, passwordHash: new Uint8Array(19) }],
    ['INVALID_PASSWORD', { password: undefined, passwordHash: 'zz'.repeat(20) }],
    ['INVALID_SESSION', { session: undefined }],
    ['INVALID_SESSION', { session: '00'.repeat(15) }],
    ['INVALID_SESSION', { session: new Uint8Array(17) }],
    ['INVALID_SESSION', { session: 'g'.repeat(32) }],
    ['INVALID_SESSION', { session: 16 }],
    ['INVALID_TIME', { timestamp: -1 }],
    ['INVALID_TIME', { timestamp: 1.5 }],
    ['INVALID_TIME', { timestamp: 5, time: 300 }],
    ['INVALID_TIME', { timestamp: undefined, time: NaN }],
    ['INVALID_TIME', { timestamp: undefined, time: -60 }],
    ['INVALID_TIME', { timestamp: undefined, time: '300' }],
    ['INVALID_OPTIONS', { questions: '12345678' }],
    ['INVALID_OPTIONS', { counterWindow: 2 }],
  ])('%s for %o', (code, change) => {
    expect(codeOf(() => ocra(S, KEY, { ...good, ...(change as object) } as never))).toBe(code)
  })

  it('refuses inputs the suite does not name', () => {
    const plain = 'OCRA-1:HOTP-SHA1-6:QN08'
    expect(codeOf(() => ocra(plain, KEY, { question: '1234', counter: 1 }))).toBe('INVALID_COUNTER')
    expect(codeOf(() => ocra(plain, KEY, { question: '1234', password: '1' }))).toBe('INVALID_PASSWORD')
    expect(codeOf(() => ocra(plain, KEY, { question: '1234', session: '00' }))).toBe('INVALID_SESSION')
    expect(codeOf(() => ocra(plain, KEY, { question: '1234', time: 1 }))).toBe('INVALID_TIME')
    expect(codeOf(() => verifyOcra(plain, KEY, '123456', { question: '1234', counterWindow: 1 }))).toBe('INVALID_WINDOW')
    expect(codeOf(() => verifyOcra(plain, KEY, '123456', { question: '1234', timeWindow: 1 }))).toBe('INVALID_WINDOW')
    expect(codeOf(() => ocra('OCRA-1:HOTP-SHA1-6:QN08-T0H', KEY, { question: '1234', time: 1 }))).toBe('INVALID_TIME')
    expect(ocra('OCRA-1:HOTP-SHA1-6:QN08-T0H', KEY, { question: '1234', timestamp: 1 })).toMatch(/^\d{6}$/)
  })

  it('checks questions per format: QA printable ASCII, QH hex, and a mutual pair only through the helpers', () => {
    expect(codeOf(() => ocra('OCRA-1:HOTP-SHA1-6:QA08', KEY, { question: 'héllo' }))).toBe('INVALID_CHALLENGE')
    expect(codeOf(() => ocra('OCRA-1:HOTP-SHA1-6:QA08', KEY, { question: 'ab\ncd' }))).toBe('INVALID_CHALLENGE')
    expect(codeOf(() => ocra('OCRA-1:HOTP-SHA1-6:QH08', KEY, { question: '12345g' }))).toBe('INVALID_CHALLENGE')
    expect(codeOf(() => ocra('OCRA-1:HOTP-SHA1-6:QA08', KEY, { question: 'CLI22220SRV11110' }))).toBe('INVALID_CHALLENGE')
    const both = { clientQuestion: 'CLI22220', serverQuestion: 'SRV111100' }
    expect(codeOf(() => ocraServerResponse('OCRA-1:HOTP-SHA1-6:QA08', KEY, both))).toBe('INVALID_CHALLENGE')
  })

  it('refuses bad windows, codes and option objects in verifyOcra', () => {
    const suite = 'OCRA-1:HOTP-SHA1-6:C-QN08-T1M'
    const base = { question: '1234', counter: 1, timestamp: 100 }
    for (const bad of [-1, 1.5, 10_001, '2', NaN]) {
      expect(codeOf(() => verifyOcra(suite, KEY, '123456', { ...base, counterWindow: bad as never }))).toBe('INVALID_WINDOW')
      expect(codeOf(() => verifyOcra(suite, KEY, '123456', { ...base, timeWindow: bad as never }))).toBe('INVALID_WINDOW')
    }
    expect(codeOf(() => verifyOcra(suite, KEY, '123456', { ...base, counterWindow: 10_000, timeWindow: 10 }))).toBe('INVALID_WINDOW')
    expect(codeOf(() => verifyOcra(suite, KEY, 123456 as never, base))).toBe('INVALID_CODE')
    expect(codeOf(() => verifyOcra(suite, KEY, '123456', null as never))).toBe('INVALID_OPTIONS')
    expect(codeOf(() => verifyOcra(suite, KEY, '123456', { ...base, window: 1 } as never))).toBe('INVALID_OPTIONS')
    for (const code of ['12345', '1234567', '12345a', ' 12345', '１２３４５６', '']) {
      expect(verifyOcra(suite, KEY, code, base)).toBeNull()
    }
    // The window stops at 2^64 - 1 and at step 0, rather than wrapping.
    const top = { question: '1234', counter: (1n << 64n) - 1n, timestamp: 0 }
    const code = ocra(suite, KEY, top)
    expect(verifyOcra(suite, KEY, code, { ...top, counterWindow: 5, timeWindow: 5 })).toBe(0)
    // t = 0: the code is the whole HMAC in hex; anything else can never match.
    const full = ocra('OCRA-1:HOTP-SHA1-0:QN08', KEY, { question: '1234' })
    expect(full).toMatch(/^[0-9a-f]{40}$/)
    expect(verifyOcra('OCRA-1:HOTP-SHA1-0:QN08', KEY, full.toUpperCase(), { question: '1234' })).toBe(0)
    for (const code of ['ab', full.slice(0, 39) + 'g', full.slice(0, 38), full + '00']) {
      expect(verifyOcra('OCRA-1:HOTP-SHA1-0:QN08', KEY, code, { question: '1234' })).toBeNull()
    }
  })

  it('never echoes a secret, and bad secrets are INVALID_SECRET', () => {
    expect(codeOf(() => ocra('OCRA-1:HOTP-SHA1-6:QN08', '', { question: '1234' }))).toBe('INVALID_SECRET')
    expect(codeOf(() => ocra('OCRA-1:HOTP-SHA1-6:QN08', '1!', { question: '1234' }))).toBe('INVALID_SECRET')
    expect(
      codeOf(() =>
        ocra('OCRA-1:HOTP-SHA1-6:QN08-PSHA1', SECRET_TEXT, { question: '1234', password: SECRET_TEXT, passwordHash: SECRET_TEXT }),
      ),
    ).toBe('INVALID_PASSWORD')
  })

  it('gives a bad record its own error in a batch and verifies the rest', async () => {
    const engine = await createEngine({ threads: 1 })
    try {
      const suite = 'OCRA-1:HOTP-SHA1-6:QN08'
      const code = ocra(suite, KEY, { question: '1234' })
      const results = await engine.verifyBatch([
        { suite, secret: KEY, code, question: '1234' },
        { suite: 'OCRA-9', secret: KEY, code, question: '1234' },
        { suite, secret: KEY, code, question: '12' },
        { suite, secret: '', code, question: '1234' },
        { suite, secret: KEY, code, question: '1234', counterWindow: 2 },
        { suite, secret: KEY, code: 5 as never, question: '1234' },
        { suite, secret: KEY, code, question: '1234', mutual: 'both' as never, clientQuestion: '1234', serverQuestion: '1234' },
        { suite, secret: KEY, code, question: '1234' },
      ])
      expect(results.map((r) => (r instanceof OtpError ? r.code : r))).toEqual([
        0,
        'INVALID_OCRA_SUITE',
        'INVALID_CHALLENGE',
        'INVALID_SECRET',
        'INVALID_WINDOW',
        'INVALID_CODE',
        'INVALID_RECORD',
        0,
      ])
      // A record that fails after its question was laid out (a bad secret) leaves nothing behind
      // for the next record, whose shorter question takes the same place.
      const text = 'OCRA-1:HOTP-SHA1-6:QA64'
      const short = ocra(text, KEY, { question: 'ABCD' })
      const wrong = String((Number(ocra(text, KEY, { question: 'ABCD' })) + 1) % 1e6).padStart(6, '0')
      const after = await engine.verifyBatch([
        { suite: text, secret: '1!', code: short, question: 'Z'.repeat(64) },
        { suite: text, secret: KEY, code: short, question: 'ABCD' },
        { suite: text, secret: KEY, code: wrong, question: 'Z'.repeat(64) },
        { suite: text, secret: KEY, code: short, question: 'ABCD' },
      ])
      expect(after.map((r) => (r instanceof OtpError ? r.code : r))).toEqual(['INVALID_SECRET', 0, null, 0])
    } finally {
      await engine.close()
    }
  })
})

describe('a kernel that fails in the middle of an OCRA batch', () => {
  it('gives each record of the failed chunk the error, and verifies the chunks after it', () => {
    // More records than one chunk of rows (16,384): the kernel traps on the first chunk only.
    const suite = 'OCRA-1:HOTP-SHA1-6:QN08'
    const count = 20_000
    const records = Array.from({ length: count }, (_, i) => {
      const question = String(10_000_000 + i)
      return { suite, secret: KEY, code: ocra(suite, KEY, { question }), question }
    })
    const real = kernelFor('wasm-simd')
    let calls = 0
    const failing: Kernel = Object.assign(Object.create(real) as Kernel, {
      macBatch(batch: MessageBatch, out: Uint32Array) {
        if (calls++ === 0) throw new WebAssembly.RuntimeError('unreachable')
        real.macBatch(batch, out)
      },
    })
    const out: unknown[] = new Array(count)
    verifyKernelSideRecords(
      failing,
      records,
      Uint32Array.from({ length: count }, (_, i) => i),
      out as never,
    )
    expect(calls).toBe(2)
    const failed = out.filter((r) => r instanceof OtpError)
    expect(failed.length).toBe(16_384)
    expect((failed[0] as OtpError).code).toBe('INTERNAL')
    expect((failed[0] as OtpError).message).toContain('RuntimeError')
    expect(out.slice(16_384).every((r) => r === 0)).toBe(true)
    expect(out.includes(undefined)).toBe(false)
  })
})

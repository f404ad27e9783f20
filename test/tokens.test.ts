/**
 * The token objects (Totp, Hotp) through the behaviour suite's cases, on every backend: RFC vectors,
 * random cases against node:crypto and against the module functions of the same backend, window and
 * resync rules, typed codes, URIs, and disposal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Hotp, OtpError, Totp, base32Decode, fromUri, randomBase32, type Engine } from '../src/index.js'
import type { Kernel } from '../src/core/kernel.js'
import { createJsKernel } from '../src/kernels/js.js'
import { useModuleKernel } from '../src/kernels/module-kernel.js'
import rfc4226 from './vectors/rfc4226-appendix-d.json' with { type: 'json' }
import rfc6238 from './vectors/rfc6238-appendix-b.json' with { type: 'json' }
import { BACKENDS, engineFor, kernelFor } from './helpers/backends.js'
import { ALGORITHMS, EDGE_KEY_LENGTHS, referenceHotp, rng } from './helpers/reference.js'

const ascii = (text: string) => new TextEncoder().encode(text)
const MAX = 2n ** 64n - 1n

describe.each(BACKENDS)('%s backend: token objects', (backend) => {
  let engine: Engine
  let restore: () => Kernel
  beforeAll(async () => {
    const kernel = kernelFor(backend)
    restore = useModuleKernel(() => kernel)
    engine = await engineFor(backend)
  })
  afterAll(async () => {
    useModuleKernel(restore)
    await engine.close()
  })

  describe('RFC 4226 appendix D', () => {
    it.each(rfc4226.cases)('counter $counter -> $hotp', ({ counter, hotp }) => {
      using token = new Hotp(ascii(rfc4226.secretAscii))
      expect(token.at(counter)).toBe(hotp)
      expect(token.at(BigInt(counter))).toBe(hotp)
      expect(token.match(hotp, counter)).toBe(0)
      expect(token.verify(hotp, counter)).toBe(true)
      expect(token.verify(hotp, counter + 1)).toBe(false)
    })
    it('takes the secret as base32', () => {
      expect(new Hotp('gezd gnbv gy3t qojq gezd gnbv gy3t qojq').at(1)).toBe('287082')
    })
  })

  describe('RFC 6238 appendix B', () => {
    const cases = rfc6238.cases.flatMap((c) => ALGORITHMS.map((algorithm) => ({ algorithm, time: c.time, code: c[algorithm] })))
    it.each(cases)('$algorithm at $time -> $code', ({ algorithm, time, code }) => {
      using token = new Totp(ascii(rfc6238.seedsAscii[algorithm]), { algorithm, digits: 8 })
      expect(token.at(time)).toBe(code)
      expect(token.at(new Date(time * 1000))).toBe(code)
      expect(token.match(code, { time })).toBe(0)
      expect(token.match(code, { time: time + 30 })).toBe(-1)
      expect(token.match(code, { time: time - 30 })).toBe(1)
      expect(token.verify(code, { time: time + 60 })).toBe(false)
      expect(token.verify(code, { time: time + 60, window: 2 })).toBe(true)
    })
  })

  it('matches node:crypto and the functions on 2,000 random keys, counters, digits and algorithms', () => {
    const r = rng(0x70c3)
    for (let i = 0; i < 2000; i++) {
      const algorithm = r.pick(ALGORITHMS)
      const key = r.bytes(i % 4 === 0 ? r.pick(EDGE_KEY_LENGTHS) : r.int(1, 300))
      const counter = i % 3 === 0 ? BigInt(r.int(0, 2 ** 40)) : r.u64()
      const digits = r.int(6, 10)
      const token = new Hotp(key, { algorithm, digits })
      const expected = referenceHotp(algorithm, key, counter, digits)
      const got = token.at(counter)
      if (got !== expected || got !== engine.hotp(key, counter, { algorithm, digits })) {
        throw new Error(`case ${i}: ${algorithm} key ${key.length} B counter ${counter} digits ${digits}: ${got} != ${expected}`)
      }
      token.dispose()
    }
  })

  it('answers as verifyTotp, window by window, t0 and the first steps included', () => {
    const r = rng(0x7075)
    for (let i = 0; i < 300; i++) {
      const algorithm = r.pick(ALGORITHMS)
      const key = r.bytes(r.int(1, 140))
      const period = r.pick([1, 30, 60])
      const t0 = r.pick([0, 0, 100])
      const time = t0 + (i % 5 === 0 ? r.int(0, 3 * period) : r.int(0, 2e9))
      const window = r.int(0, 4)
      const digits = r.int(6, 8)
      const step = BigInt(Math.floor((time - t0) / period))
      const d = BigInt(r.int(-window - 1, window + 1))
      const code = step + d >= 0n ? referenceHotp(algorithm, key, step + d, digits) : '000000'
      const options = { algorithm, digits, period, t0 }
      const token = new Totp(key, options)
      expect(token.match(code, { time, window })).toBe(engine.verifyTotp(key, code, { ...options, time, window }))
      expect(token.at(time)).toBe(engine.totp(key, { ...options, time }))
    }
  })

  it('answers as verifyHotp, up to 2^64 - 1', () => {
    using token = new Hotp(ascii('12345678901234567890'))
    const key = ascii('12345678901234567890')
    expect(token.match('969429', 1, { window: 2 })).toBe(2)
    expect(token.match('969429', 1, { window: 1 })).toBeNull()
    const code = referenceHotp('SHA1', key, MAX, 6)
    for (const from of [MAX - 2n, MAX - 1n, MAX]) {
      expect(token.match(code, from, { window: 10 })).toBe(engine.verifyHotp(key, code, from, { window: 10 }))
    }
    expect(token.at(MAX)).toBe(code)
  })

  it('resyncs as resyncHotp', async () => {
    const key = ascii('12345678901234567890')
    using token = new Hotp(key)
    const cases: Array<[string[], number | bigint, number]> = [
      [['969429', '338314'], 0, 100],
      [['755224'], 0, 10_000],
      [['520489'], 0, 10],
      [['520489'], 0, 9],
      [['969429', '338314', '254676'], 2n, 2],
      [['969429', '254676'], 0, 100],
      [[referenceHotp('SHA1', key, MAX - 1n, 6), referenceHotp('SHA1', key, MAX, 6)], MAX - 10n, 1000],
    ]
    for (const [codes, from, lookAhead] of cases) {
      expect(token.resync(codes, from, { lookAhead })).toBe(await engine.resyncHotp(key, codes, from, { lookAhead }))
    }
    expect(token.resync(['969 429', '338-314'], 0, { lookAhead: 100 })).toBe(5)
  })
})

describe('typed codes', () => {
  const token = new Hotp(ascii('12345678901234567890'))
  it('reads one space or hyphen between digit groups', () => {
    for (const code of ['287082', '287 082', '287-082', '28 70 82', '2-8-7-0-8-2', '2870 82']) {
      expect(token.match(code, 0, { window: 1 }), code).toBe(1)
    }
  })
  it('refuses separators anywhere else, and anything but digits', () => {
    for (const code of [
      ' 287082',
      '287082 ',
      '287  082',
      '287--082',
      '287 -082',
      '287_082',
      '287.082',
      '28708',
      '2870821',
      '287 08',
      '',
      '２８７０８２',
    ]) {
      expect(token.match(code, 0, { window: 1 }), code).toBeNull()
    }
  })
  it('leaves the module functions strict', async () => {
    const engine = await engineFor('js')
    expect(engine.verifyHotp(ascii('12345678901234567890'), '287 082', 0, { window: 1 })).toBeNull()
  })
  it('needs a string', () => {
    expect(() => token.match(287082 as never, 0)).toThrow(expect.objectContaining({ code: 'INVALID_CODE' }))
  })
})

describe('time left, URIs, random secrets', () => {
  it('counts the seconds left in the step', () => {
    const token = new Totp('GEZDGNBVGY3TQOJQ')
    expect(token.remaining(59)).toBe(1)
    expect(token.remaining(60)).toBe(30)
    expect(token.remaining(60.25)).toBe(29.75)
    expect(new Totp('GEZDGNBVGY3TQOJQ', { period: 60, t0: 10 }).remaining(10)).toBe(60)
    const now = token.remaining()
    expect(now).toBeGreaterThan(0)
    expect(now).toBeLessThanOrEqual(30)
  })

  it('writes its otpauth URI as buildUri, and fromUri reads it back', () => {
    const totp = new Totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', { algorithm: 'SHA256', digits: 8, period: 60 })
    const uri = totp.uri({ account: 'alice@example.com', issuer: 'Example' })
    expect(uri).toBe(
      'otpauth://totp/Example:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example&algorithm=SHA256&digits=8&period=60',
    )
    const back = fromUri(uri)
    expect(back).toBeInstanceOf(Totp)
    expect(back.algorithm).toBe('SHA256')
    expect((back as Totp).at(1_700_000_000)).toBe(totp.at(1_700_000_000))
    const hotp = new Hotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', { counter: 7 })
    const read = fromUri(hotp.uri({ account: 'bob' }))
    expect(read).toBeInstanceOf(Hotp)
    expect((read as Hotp).counter).toBe(7)
    expect((read as Hotp).at(7)).toBe(hotp.at(7))
    expect(hotp.uri({ account: 'bob', counter: 9n })).toContain('counter=9')
  })

  it('refuses a URI for a token with a t0, which no Key URI carries', () => {
    const token = new Totp('GEZDGNBVGY3TQOJQ', { t0: 100 })
    expect(() => token.uri({ account: 'a' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }))
  })

  it('makes random base32 secrets of 20 bytes by default', () => {
    const secret = randomBase32()
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(base32Decode(secret)).toHaveLength(20)
    expect(randomBase32(32)).toHaveLength(52)
    expect(randomBase32()).not.toBe(secret)
    expect(() => randomBase32(10)).toThrow(expect.objectContaining({ code: 'INVALID_SECRET' }))
  })
})

describe('disposal', () => {
  /** The object's own array, read as a test may: its private field holds the material. */
  const materialOf = (token: object): Uint8Array => {
    const own = Object.getOwnPropertySymbols(token)
    expect(own).toHaveLength(0)
    // #material is private; the state view a kernel call receives shares its buffer.
    let seen: Uint32Array | undefined
    const spy: Kernel = new Proxy(createJsKernel(), {
      get(target, name, receiver) {
        if (name === 'hotpPrepared') {
          return (alg: 0, state: Uint32Array, ...rest: [number, number, number]) => {
            seen = state
            return target.hotpPrepared(alg, state, ...rest)
          }
        }
        return Reflect.get(target, name, receiver)
      },
    })
    const restore = useModuleKernel(() => spy)
    try {
      ;(token as Hotp).at(0)
    } finally {
      useModuleKernel(restore)
    }
    return new Uint8Array(seen!.buffer, seen!.byteOffset, seen!.buffer.byteLength - seen!.byteOffset)
  }

  it('wipes the object and refuses every call after dispose', () => {
    const key = ascii('12345678901234567890')
    const token = new Hotp(key)
    const material = materialOf(token)
    expect(material.some((b) => b !== 0)).toBe(true)
    token.dispose()
    expect(token.disposed).toBe(true)
    expect(material.every((b) => b === 0)).toBe(true)
    // The caller's bytes are the caller's: never wiped.
    expect(key).toEqual(ascii('12345678901234567890'))
    const calls = [
      () => token.at(0),
      () => token.match('755224', 0),
      () => token.verify('755224', 0),
      () => token.resync(['755224'], 0),
      () => token.uri({ account: 'a' }),
    ]
    for (const call of calls) expect(call).toThrow(expect.objectContaining({ code: 'DISPOSED' }))
    token.dispose()
    const totp = new Totp(key)
    totp.dispose()
    for (const call of [
      () => totp.now(),
      () => totp.at(0),
      () => totp.match('x'),
      () => totp.verify('x'),
      () => totp.remaining(),
      () => totp.uri({ account: 'a' }),
    ]) {
      expect(call).toThrow(expect.objectContaining({ code: 'DISPOSED' }))
    }
  })

  it.each(['wasm-simd', 'wasm'] as const)('leaves neither key nor midstates in %s kernel memory', (backend) => {
    const kernel = kernelFor(backend)
    const memory = (kernel as unknown as { x: { memory: WebAssembly.Memory } }).x.memory
    const restore = useModuleKernel(() => kernel)
    try {
      for (const algorithm of ALGORITHMS) {
        const key = new Uint8Array(40).map((_, i) => (i * 37 + 11) & 0xff)
        const totp = new Totp(key, { algorithm })
        const hotp = new Hotp(key, { algorithm })
        const state = materialOf(hotp).slice(0, 128)
        totp.at(1_700_000_000)
        totp.verify('123456', { time: 1_700_000_000, window: 3 })
        hotp.match('123456', 5, { window: 4 })
        hotp.resync(['123456', '654321'], 0, { lookAhead: 500 })
        totp.dispose()
        hotp.dispose()
        const bytes = new Uint8Array(memory.buffer)
        const found = (needle: Uint8Array) => {
          for (let i = bytes.indexOf(needle[0]!); i >= 0; i = bytes.indexOf(needle[0]!, i + 1)) {
            if (needle.every((b, j) => bytes[i + j] === b)) return true
          }
          return false
        }
        expect(found(key.subarray(0, 12)), `${algorithm} key`).toBe(false)
        const words = algorithm === 'SHA1' ? 20 : algorithm === 'SHA256' ? 32 : 64
        for (const half of [0, 64]) {
          for (let w = half; w < half + words; w += 4) expect(found(state.subarray(w, w + 4)), `${algorithm} word ${w}`).toBe(false)
        }
      }
    } finally {
      useModuleKernel(restore)
    }
  })

  it('disposes at the end of a using block', () => {
    let kept: Totp
    let material: Uint8Array
    {
      using token = new Totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')
      kept = token
      material = materialOf(token)
      expect(token.at(59)).toMatch(/^\d{6}$/)
    }
    expect(kept.disposed).toBe(true)
    expect(material.every((b) => b === 0)).toBe(true)
  })
})

describe('hostile inputs', () => {
  const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
  const token = new Totp(SECRET)
  const hotp = new Hotp(SECRET)
  const cases: Array<[string, string, () => unknown]> = [
    ['empty secret', 'INVALID_SECRET', () => new Totp('')],
    ['bad base32', 'INVALID_SECRET', () => new Hotp('GEZDGNB1')],
    ['secret over 1024 bytes', 'INVALID_SECRET', () => new Hotp(new Uint8Array(1025))],
    ['secret as a number', 'INVALID_SECRET', () => new Totp(12345 as never)],
    ['a token as a secret', 'INVALID_SECRET', () => new Totp(token as never)],
    ['unknown algorithm', 'INVALID_ALGORITHM', () => new Totp(SECRET, { algorithm: 'MD5' as never })],
    ['digits 5', 'INVALID_DIGITS', () => new Hotp(SECRET, { digits: 5 })],
    ['period 0', 'INVALID_PERIOD', () => new Totp(SECRET, { period: 0 })],
    ['NaN t0', 'INVALID_TIME', () => new Totp(SECRET, { t0: NaN })],
    ['params not an object', 'INVALID_OPTIONS', () => new Totp(SECRET, 'SHA1' as never)],
    ['counter param -1', 'INVALID_COUNTER', () => new Hotp(SECRET, { counter: -1 })],
    ['time before t0', 'INVALID_TIME', () => new Totp(SECRET, { t0: 100 }).at(50)],
    ['NaN time', 'INVALID_TIME', () => token.at(NaN)],
    ['time as a string', 'INVALID_TIME', () => token.match('123456', { time: '5' as never })],
    ['window 1e9', 'INVALID_WINDOW', () => token.verify('123456', { window: 1e9 })],
    ['a misspelt match option', 'INVALID_OPTIONS', () => token.match('123456', { time: 59, windw: 2 } as never)],
    ['match options not an object', 'INVALID_OPTIONS', () => token.verify('123456', 1 as never)],
    ['match options null', 'INVALID_OPTIONS', () => token.verify('123456', null as never)],
    ['negative counter', 'INVALID_COUNTER', () => hotp.at(-1)],
    ['2^64', 'INVALID_COUNTER', () => hotp.at(2n ** 64n)],
    ['counter as a string', 'INVALID_COUNTER', () => hotp.match('123456', '5' as never)],
    ['no resync codes', 'INVALID_CODES', () => hotp.resync([], 0)],
    ['resync code as a number', 'INVALID_CODES', () => hotp.resync([123456 as never], 0)],
    ['resync look-ahead -1', 'INVALID_WINDOW', () => hotp.resync(['123456'], 0, { lookAhead: -1 })],
    ['uri without a label', 'INVALID_OPTIONS', () => token.uri(undefined as never)],
    ['fromUri of junk', 'INVALID_URI', () => fromUri('https://example.com')],
  ]
  it.each(cases)('%s -> %s', (_name, code, call) => {
    let error: unknown
    try {
      call()
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(OtpError)
    expect((error as OtpError).code).toBe(code)
    expect((error as OtpError).message).not.toContain('GEZDGNB')
  })
})

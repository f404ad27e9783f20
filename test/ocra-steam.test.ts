// Steam Guard codes (totp / verifyTotp with encoding 'steam', batch records, otpauth URIs) on every
// backend, against a reference over node:crypto and the published alphabet (the Debian pyotp has no
// Steam encoder).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OtpError, STEAM_ALPHABET, buildUri, parseUri, totp, verifyTotp, type Engine } from '../src/index.js'
import { BACKENDS, engineFor } from './helpers/backends.js'
import { referenceSteam } from './helpers/ocra-reference.js'
import { rng } from './helpers/reference.js'

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
const KEY = Buffer.from('12345678901234567890')

describe('Steam Guard reference', () => {
  it('is the published alphabet, 5 characters', () => {
    expect(STEAM_ALPHABET).toBe('23456789BCDFGHJKMNPQRTVWXY')
    expect(referenceSteam(KEY, 59)).toMatch(/^[23456789BCDFGHJKMNPQRTVWXY]{5}$/)
  })
})

describe.each(BACKENDS)('Steam Guard on %s', (backend) => {
  let engine: Engine
  beforeAll(async () => {
    engine = await engineFor(backend)
  })
  afterAll(() => engine.close())

  it('agrees with the reference on the RFC 6238 times and on random keys and times', () => {
    for (const time of [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000]) {
      expect(engine.totp(KEY, { encoding: 'steam', time })).toBe(referenceSteam(KEY, time))
    }
    const r = rng(7)
    for (let i = 0; i < 300; i++) {
      const key = r.bytes(r.pick([10, 20, 64, 65, 200]))
      const time = r.int(0, 2 ** 34)
      const period = r.pick([30, 30, 60])
      expect(engine.totp(key, { encoding: 'steam', time, period })).toBe(referenceSteam(key, time, period))
    }
  })

  it('verifies closest first within the window, any letter case, and refuses decimal options', () => {
    const code = referenceSteam(KEY, 3000)
    expect(engine.verifyTotp(KEY, code, { encoding: 'steam', time: 3000 })).toBe(0)
    expect(engine.verifyTotp(KEY, code.toLowerCase(), { encoding: 'steam', time: 3030 })).toBe(-1)
    expect(engine.verifyTotp(KEY, code, { encoding: 'steam', time: 2970 })).toBe(1)
    expect(engine.verifyTotp(KEY, code, { encoding: 'steam', time: 3060 })).toBeNull()
    expect(engine.verifyTotp(KEY, code, { encoding: 'steam', time: 3090, window: 3 })).toBe(-3)
    expect(engine.verifyTotp(KEY, code.slice(0, 4), { encoding: 'steam', time: 3000 })).toBeNull()
    expect(engine.verifyTotp(KEY, '000000', { encoding: 'steam', time: 3000 })).toBeNull()
    expect(engine.verifyTotp(KEY, referenceSteam(KEY, 0), { encoding: 'steam', time: 0, window: 2 })).toBe(0)
    const codeOf = (fn: () => unknown) => {
      try {
        fn()
      } catch (error) {
        expect(error).toBeInstanceOf(OtpError)
        return (error as OtpError).code
      }
      return 'none'
    }
    expect(codeOf(() => engine.totp(KEY, { encoding: 'steam', digits: 5 } as never))).toBe('INVALID_OPTIONS')
    expect(codeOf(() => engine.totp(KEY, { encoding: 'base26' } as never))).toBe('INVALID_OPTIONS')
    expect(codeOf(() => engine.totp(KEY, { encoding: 'steam', algorithm: 'SHA256' } as never))).toBe('INVALID_ALGORITHM')
    expect(codeOf(() => engine.verifyTotp(KEY, 12345 as never, { encoding: 'steam' }))).toBe('INVALID_CODE')
    expect(codeOf(() => engine.verifyTotp(KEY, code, { encoding: 'steam', window: -1 }))).toBe('INVALID_WINDOW')
  })

  it('verifies Steam Guard records in a batch beside TOTP records', async () => {
    const results = await engine.verifyBatch([
      { secret: SECRET, code: totp(SECRET, { encoding: 'steam', time: 900 }), encoding: 'steam', time: 930 },
      { secret: SECRET, code: totp(SECRET, { time: 900 }), time: 900 },
      { secret: SECRET, code: 'BBBBB', encoding: 'steam', time: 930, window: 0 },
      { secret: SECRET, code: 'BBBBB', encoding: 'steam', digits: 6 } as never,
    ])
    expect(results.map((r) => (r instanceof OtpError ? r.code : r))).toEqual([-1, 0, null, 'INVALID_OPTIONS'])
  })
})

describe('module-level Steam Guard', () => {
  it('totp and verifyTotp take encoding steam', () => {
    const code = totp(KEY, { encoding: 'steam', time: 12345 })
    expect(code).toBe(referenceSteam(KEY, 12345))
    expect(verifyTotp(KEY, code, { encoding: 'steam', time: 12345 })).toBe(0)
  })
})

describe('Steam Guard otpauth URIs', () => {
  it('reads encoder=steam as the apps write it, and writes it back', () => {
    for (const uri of [
      `otpauth://totp/Steam:gaben?secret=${SECRET}&period=30&digits=5&issuer=Steam&encoder=steam`,
      `otpauth://totp/Steam:gaben?secret=${SECRET}&issuer=Steam&encoder=steam`,
      `otpauth://totp/Steam:gaben?secret=${SECRET}&algorithm=SHA1&encoder=Steam`,
    ]) {
      const parsed = parseUri(uri)
      expect(parsed).toMatchObject({ type: 'totp', account: 'gaben', issuer: 'Steam', encoding: 'steam', digits: 5, period: 30 })
      expect(totp(parsed.secret, { encoding: parsed.encoding, time: 100 })).toBe(referenceSteam(parsed.secret, 100))
    }
    const built = buildUri({ type: 'totp', secret: SECRET, account: 'gaben', issuer: 'Steam', encoding: 'steam' })
    expect(built).toBe(`otpauth://totp/Steam:gaben?secret=${SECRET}&issuer=Steam&algorithm=SHA1&digits=5&encoder=steam&period=30`)
    expect(parseUri(built).encoding).toBe('steam')
    expect(parseUri(`otpauth://totp/x?secret=${SECRET}`).encoding).toBeUndefined()
  })

  it('refuses URIs and inputs that cannot be Steam Guard', () => {
    const codeOf = (fn: () => unknown) => {
      try {
        fn()
      } catch (error) {
        return (error as OtpError).code
      }
      return 'none'
    }
    expect(codeOf(() => parseUri(`otpauth://totp/x?secret=${SECRET}&encoder=base26`))).toBe('INVALID_URI')
    expect(codeOf(() => parseUri(`otpauth://hotp/x?secret=${SECRET}&counter=1&encoder=steam`))).toBe('INVALID_URI')
    expect(codeOf(() => parseUri(`otpauth://totp/x?secret=${SECRET}&encoder=steam&digits=6`))).toBe('INVALID_URI')
    expect(codeOf(() => parseUri(`otpauth://totp/x?secret=${SECRET}&encoder=steam&algorithm=SHA256`))).toBe('INVALID_URI')
    expect(codeOf(() => buildUri({ type: 'hotp', secret: SECRET, account: 'a', counter: 1, encoding: 'steam' }))).toBe('INVALID_OPTIONS')
    expect(codeOf(() => buildUri({ type: 'totp', secret: SECRET, account: 'a', digits: 6, encoding: 'steam' }))).toBe('INVALID_DIGITS')
    expect(codeOf(() => buildUri({ type: 'totp', secret: SECRET, account: 'a', encoding: 'x' as never }))).toBe('INVALID_OPTIONS')
  })
})

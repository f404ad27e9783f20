/** Hostile inputs: each throws OtpError with its stable code, and no message carries the secret. */
import { describe, expect, it } from 'vitest'
import { OtpError, hotp, resyncHotp, totp, verifyHotp, verifyTotp, base32Encode, createEngine, randomSecret } from '../src/index.js'

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
const bytes = (n: number) => new Uint8Array(n).fill(0x41)

const cases: Array<[string, string, () => unknown]> = [
  ['empty secret (bytes)', 'INVALID_SECRET', () => hotp(new Uint8Array(0), 0)],
  ['empty secret (base32)', 'INVALID_SECRET', () => hotp('', 0)],
  ['only spaces and padding', 'INVALID_SECRET', () => hotp('  ==', 0)],
  ['non-base32 character', 'INVALID_SECRET', () => hotp('GEZDGNBV!Y3TQOJQ', 0)],
  ['base32 digit 1', 'INVALID_SECRET', () => hotp('GEZDGNB1', 0)],
  ['character after padding', 'INVALID_SECRET', () => hotp('GEZDGNB=V', 0)],
  ['impossible base32 length', 'INVALID_SECRET', () => hotp('GEZ', 0)],
  ['secret of the wrong type', 'INVALID_SECRET', () => hotp(12345 as never, 0)],
  ['secret as an array', 'INVALID_SECRET', () => hotp([1, 2, 3] as never, 0)],
  ['null secret', 'INVALID_SECRET', () => hotp(null as never, 0)],
  ['secret over 1024 bytes', 'INVALID_SECRET', () => hotp(bytes(1025), 0)],
  ['negative counter', 'INVALID_COUNTER', () => hotp(SECRET, -1)],
  ['fractional counter', 'INVALID_COUNTER', () => hotp(SECRET, 1.5)],
  ['NaN counter', 'INVALID_COUNTER', () => hotp(SECRET, NaN)],
  ['Infinity counter', 'INVALID_COUNTER', () => hotp(SECRET, Infinity)],
  ['number counter above 2^53 - 1', 'INVALID_COUNTER', () => hotp(SECRET, 2 ** 53)],
  ['2^64 as bigint', 'INVALID_COUNTER', () => hotp(SECRET, 2n ** 64n)],
  ['negative bigint', 'INVALID_COUNTER', () => hotp(SECRET, -1n)],
  ['counter as a string', 'INVALID_COUNTER', () => hotp(SECRET, '5' as never)],
  ['digits 5', 'INVALID_DIGITS', () => hotp(SECRET, 0, { digits: 5 })],
  ['digits 11', 'INVALID_DIGITS', () => hotp(SECRET, 0, { digits: 11 })],
  ['digits 6.5', 'INVALID_DIGITS', () => hotp(SECRET, 0, { digits: 6.5 })],
  ['digits as a string', 'INVALID_DIGITS', () => totp(SECRET, { digits: '6' as never })],
  ['unknown algorithm', 'INVALID_ALGORITHM', () => hotp(SECRET, 0, { algorithm: 'MD5' as never })],
  ['algorithm null', 'INVALID_ALGORITHM', () => totp(SECRET, { algorithm: null as never })],
  ['period 0', 'INVALID_PERIOD', () => totp(SECRET, { period: 0 })],
  ['negative period', 'INVALID_PERIOD', () => totp(SECRET, { period: -30 })],
  ['fractional period', 'INVALID_PERIOD', () => totp(SECRET, { period: 0.5 })],
  ['NaN time', 'INVALID_TIME', () => totp(SECRET, { time: NaN })],
  ['Infinity time', 'INVALID_TIME', () => verifyTotp(SECRET, '123456', { time: Infinity })],
  ['time before t0', 'INVALID_TIME', () => totp(SECRET, { time: 10, t0: 20 })],
  ['NaN t0', 'INVALID_TIME', () => totp(SECRET, { time: 10, t0: NaN })],
  ['negative window', 'INVALID_WINDOW', () => verifyTotp(SECRET, '123456', { window: -1 })],
  ['fractional window', 'INVALID_WINDOW', () => verifyHotp(SECRET, '123456', 0, { window: 1.5 })],
  ['window above the maximum', 'INVALID_WINDOW', () => verifyHotp(SECRET, '123456', 0, { window: 1e9 })],
  ['code as a number', 'INVALID_CODE', () => verifyTotp(SECRET, 123456 as never)],
  ['resync with no codes', 'INVALID_CODES', () => resyncHotp(SECRET, [], 0)],
  ['resync codes not an array', 'INVALID_CODES', () => resyncHotp(SECRET, '123456' as never, 0)],
  ['resync code as a number', 'INVALID_CODES', () => resyncHotp(SECRET, [123456 as never], 0)],
  ['resync with 17 codes', 'INVALID_CODES', () => resyncHotp(SECRET, Array(17).fill('123456'), 0)],
  ['resync negative look-ahead', 'INVALID_WINDOW', () => resyncHotp(SECRET, ['123456'], 0, { lookAhead: -1 })],
  ['resync negative from', 'INVALID_COUNTER', () => resyncHotp(SECRET, ['123456'], -5)],
  ['options not an object', 'INVALID_OPTIONS', () => hotp(SECRET, 0, 'SHA1' as never)],
  ['randomSecret below 160 bits', 'INVALID_SECRET', () => randomSecret(10)],
  ['randomSecret above 1024 bytes', 'INVALID_SECRET', () => randomSecret(2048)],
  ['base32Encode of a string', 'INVALID_SECRET', () => base32Encode('abc' as never)],
  ['base32Encode with null options', 'INVALID_OPTIONS', () => base32Encode(bytes(5), null as never)],
  ['an option name no function knows', 'INVALID_OPTIONS', () => totp(SECRET, { tim: 59 } as never)],
  ['a TOTP option given to hotp', 'INVALID_OPTIONS', () => hotp(SECRET, 0, { period: 30 } as never)],
  ['an algorithm name with a non-ASCII letter', 'INVALID_ALGORITHM', () => hotp(SECRET, 0, { algorithm: 'ſha1' as never })],
  // eslint-disable-next-line no-sparse-arrays -- the hole is the point
  ['resync codes with a hole', 'INVALID_CODES', () => resyncHotp(SECRET, [, '123456'] as never, 0)],
  ['a resync code that is undefined', 'INVALID_CODES', () => resyncHotp(SECRET, [undefined] as never, 0)],
]

describe('hostile inputs', () => {
  it.each(cases)('%s -> %s', (_name, code, call) => {
    let error: unknown
    try {
      call()
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(OtpError)
    expect((error as OtpError).code).toBe(code)
    expect((error as OtpError).message).not.toContain(SECRET)
    expect((error as OtpError).message).not.toContain('GEZDGNB')
  })

  it('rejects bad engine options', async () => {
    await expect(createEngine({ backend: 'gpu' as never })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' })
    await expect(createEngine({ threads: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' })
    await expect(createEngine({ threads: 1.5 })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' })
  })

  it('accepts the extremes of every range', () => {
    expect(hotp(bytes(1), 0)).toMatch(/^\d{6}$/)
    expect(hotp(bytes(1024), 2n ** 64n - 1n, { digits: 10 })).toMatch(/^\d{10}$/)
    expect(hotp(SECRET, Number.MAX_SAFE_INTEGER)).toMatch(/^\d{6}$/)
    expect(totp(SECRET, { time: 0, algorithm: 'sha512' as never })).toMatch(/^\d{6}$/)
    expect(randomSecret()).toHaveLength(20)
  })
})

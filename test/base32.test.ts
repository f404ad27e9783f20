import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { base32Decode, base32Encode } from '../src/index.js'

const text = (s: string) => new TextEncoder().encode(s)

describe('base32 (RFC 4648 section 10 test vectors)', () => {
  const vectors: Array<[string, string]> = [
    ['', ''],
    ['f', 'MY======'],
    ['fo', 'MZXQ===='],
    ['foo', 'MZXW6==='],
    ['foob', 'MZXW6YQ='],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI======'],
  ]
  it.each(vectors)('%j <-> %s', (plain, encoded) => {
    expect(base32Encode(text(plain), { padding: true })).toBe(encoded)
    expect(base32Encode(text(plain))).toBe(encoded.replace(/=+$/, ''))
    expect(base32Decode(encoded)).toEqual(text(plain))
    expect(base32Decode(encoded.replace(/=+$/, ''))).toEqual(text(plain))
    expect(base32Decode(encoded.toLowerCase())).toEqual(text(plain))
  })

  it('accepts spaces anywhere, as apps group secrets', () => {
    expect(base32Decode(' mzxw 6ytb oi== ')).toEqual(text('foobar'))
  })

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, padding) => {
        expect(base32Decode(base32Encode(bytes, { padding }))).toEqual(bytes)
      }),
      { numRuns: 2000 },
    )
  })
})

import fc from 'fast-check'
import * as OTPAuth from 'otpauth'
import { describe, expect, it } from 'vitest'
import { OtpError, base32Decode, base32Encode, buildUri, parseUri } from '../src/index.js'

const bytes = (text: string) => new TextEncoder().encode(text)
/** base32 of "Hello!\xDE\xAD\xBE\xEF", the secret of the Key URI format's examples. */
const HELLO = 'JBSWY3DPEHPK3PXP'

function uriError(uri: unknown): OtpError {
  try {
    parseUri(uri as string)
  } catch (error) {
    expect(error).toBeInstanceOf(OtpError)
    return error as OtpError
  }
  throw new Error('parseUri accepted a malformed URI')
}

function buildError(input: unknown): OtpError {
  try {
    buildUri(input as Parameters<typeof buildUri>[0])
  } catch (error) {
    expect(error).toBeInstanceOf(OtpError)
    return error as OtpError
  }
  throw new Error('buildUri accepted bad input')
}

describe('parseUri: the Key URI format examples', () => {
  it('reads the TOTP example with the issuer in label and parameter', () => {
    expect(parseUri(`otpauth://totp/Example:alice@google.com?secret=${HELLO}&issuer=Example`)).toEqual({
      type: 'totp',
      secret: base32Decode(HELLO),
      account: 'alice@google.com',
      issuer: 'Example',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    })
  })

  it('reads the example with every parameter and an encoded space', () => {
    const uri =
      'otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30'
    const parsed = parseUri(uri)
    expect(parsed.issuer).toBe('ACME Co')
    expect(parsed.account).toBe('john.doe@email.com')
    expect(base32Encode(parsed.secret)).toBe('HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ')
    expect(parsed.secret).toHaveLength(20)
  })

  it("reads a label whose separator is '%3A' followed by spaces", () => {
    const parsed = parseUri(`otpauth://totp/Big%20Corporation%3A%20%20alice%40bigco.com?secret=${HELLO}`)
    expect(parsed.issuer).toBe('Big Corporation')
    expect(parsed.account).toBe('alice@bigco.com')
  })

  it('reads an HOTP URI with its counter', () => {
    const parsed = parseUri(`otpauth://hotp/Example:alice?secret=${HELLO}&counter=42&digits=8&algorithm=SHA256`)
    expect(parsed).toMatchObject({ type: 'hotp', counter: 42, digits: 8, algorithm: 'SHA256', issuer: 'Example' })
    expect(parsed.period).toBeUndefined()
  })
})

describe('parseUri: what real exports contain', () => {
  it('accepts lowercase, padded and spaced secrets', () => {
    const foo = bytes('foo')
    expect(parseUri('otpauth://totp/a?secret=mzxw6===').secret).toEqual(foo)
    expect(parseUri('otpauth://totp/a?secret=MZXW6%3D%3D%3D').secret).toEqual(foo)
    expect(parseUri('otpauth://totp/a?secret=jbsw%20y3dp%20ehpk%203pxp').secret).toEqual(base32Decode(HELLO))
  })

  it('takes the issuer from the label when there is no parameter, and from the parameter when only it is there', () => {
    expect(parseUri(`otpauth://totp/GitHub:octocat?secret=${HELLO}`)).toMatchObject({ issuer: 'GitHub', account: 'octocat' })
    const paramOnly = parseUri(`otpauth://totp/octocat?secret=${HELLO}&issuer=GitHub`)
    expect(paramOnly).toMatchObject({ issuer: 'GitHub', account: 'octocat' })
    const none = parseUri(`otpauth://totp/octocat?secret=${HELLO}`)
    expect(none.account).toBe('octocat')
    expect(none).not.toHaveProperty('issuer')
  })

  it('lets the issuer parameter win over a different label prefix', () => {
    expect(parseUri(`otpauth://totp/Old%20Name:bob?issuer=New%20Name&secret=${HELLO}`)).toMatchObject({
      issuer: 'New Name',
      account: 'bob',
    })
  })

  it('accepts parameters in any order, any case of scheme, type and algorithm, unknown parameters and a fragment', () => {
    const parsed = parseUri(
      `  OTPAUTH://TOTP/Example:alice?period=60&image=https%3A%2F%2Fexample.com%2Fx.png&algorithm=sha512&digits=8&secret=${HELLO}&issuer=Example#ignored\n`,
    )
    expect(parsed).toMatchObject({ type: 'totp', algorithm: 'SHA512', digits: 8, period: 60, issuer: 'Example', account: 'alice' })
  })

  it("reads '+' in a parameter as a space (form encoding), but keeps it literal in the label", () => {
    const parsed = parseUri(`otpauth://totp/ACME+Co:alice+2fa@example.com?secret=${HELLO}&issuer=ACME+Co`)
    expect(parsed.issuer).toBe('ACME Co')
    expect(parsed.account).toBe('alice+2fa@example.com')
  })

  it('decodes unicode labels', () => {
    const parsed = parseUri(`otpauth://totp/%E5%B1%B1%E7%94%B0:%F0%9F%94%91%20j%C3%BCrgen?secret=${HELLO}`)
    expect(parsed.issuer).toBe('山田')
    expect(parsed.account).toBe('🔑 jürgen')
  })

  it('returns counters past 2^53 - 1 as bigint', () => {
    expect(parseUri(`otpauth://hotp/a?secret=${HELLO}&counter=9007199254740991`).counter).toBe(9007199254740991)
    expect(parseUri(`otpauth://hotp/a?secret=${HELLO}&counter=9007199254740992`).counter).toBe(9007199254740992n)
    expect(parseUri(`otpauth://hotp/a?secret=${HELLO}&counter=18446744073709551615`).counter).toBe(18446744073709551615n)
  })
})

describe('parseUri: malformed URIs', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['not a string', 42, /expected an otpauth:\/\/ URI string, got 42/],
    ['another scheme', `https://totp/a?secret=${HELLO}`, /start with otpauth:\/\//],
    ['an unknown type', `otpauth://motp/a?secret=${HELLO}`, /type totp or hotp.*'motp'/],
    ['no label', `otpauth://totp?secret=${HELLO}`, /expected a label/],
    ['an empty label', `otpauth://totp/?secret=${HELLO}`, /expected a label/],
    ['an empty account after the issuer', `otpauth://totp/Example:?secret=${HELLO}`, /empty one/],
    ['a malformed percent-encoding in the label', `otpauth://totp/a%ZZb?secret=${HELLO}`, /label has a malformed percent-encoding/],
    ['a truncated UTF-8 sequence', `otpauth://totp/a?secret=${HELLO}&issuer=%E5%B1`, /parameter 'issuer' has a malformed/],
    ['no secret', 'otpauth://totp/a?issuer=x', /'secret' parameter .*found none/],
    ['an empty secret', 'otpauth://totp/a?secret=', /'secret' parameter .*found none/],
    ['a secret outside the base32 alphabet', 'otpauth://totp/a?secret=JBSWY3DP0EHPK', /not valid base32/],
    ['a secret of impossible length', 'otpauth://totp/a?secret=JBSWY3', /not valid base32/],
    ['a repeated secret', `otpauth://totp/a?secret=${HELLO}&secret=MZXW6`, /'secret' is given twice/],
    ['an unknown algorithm', `otpauth://totp/a?secret=${HELLO}&algorithm=MD5`, /one of SHA1, SHA256, SHA512/],
    ['too few digits', `otpauth://totp/a?secret=${HELLO}&digits=5`, /'digits' .* 6 to 10/],
    ['too many digits', `otpauth://totp/a?secret=${HELLO}&digits=11`, /'digits' .* 6 to 10/],
    ['digits in words', `otpauth://totp/a?secret=${HELLO}&digits=six`, /'digits'/],
    ['fractional digits', `otpauth://totp/a?secret=${HELLO}&digits=6.5`, /'digits'/],
    ['a zero period', `otpauth://totp/a?secret=${HELLO}&period=0`, /'period' .* from 1/],
    ['a negative period', `otpauth://totp/a?secret=${HELLO}&period=-30`, /'period'/],
    ['hotp without a counter', `otpauth://hotp/a?secret=${HELLO}`, /needs a 'counter'/],
    ['a negative counter', `otpauth://hotp/a?secret=${HELLO}&counter=-1`, /'counter' .* 2\^64 - 1/],
    ['a counter past 2^64 - 1', `otpauth://hotp/a?secret=${HELLO}&counter=18446744073709551616`, /'counter'/],
    ['a counter in exponent form', `otpauth://hotp/a?secret=${HELLO}&counter=1e3`, /'counter'/],
  ]

  it.each(cases)('rejects %s with INVALID_URI saying what is wrong', (_, uri, message) => {
    const error = uriError(uri)
    expect(error.code).toBe('INVALID_URI')
    expect(error.message).toMatch(message)
  })

  it('never puts the secret in the message', () => {
    const secret = 'JBSWY3DPEHPK3PX1QQQQ'
    for (const uri of [`otpauth://totp/a?secret=${secret}`, `otpauth://totp/a?secret=${secret}&secret=${secret}`]) {
      const error = uriError(uri)
      expect(error.message).not.toContain(secret)
      expect(String(error.cause ?? '')).not.toContain(secret)
    }
  })
})

describe('buildUri', () => {
  it('writes the label and issuer percent-encoded and every parameter explicitly', () => {
    const uri = buildUri({ type: 'totp', secret: base32Decode(HELLO), account: 'alice@example.com', issuer: 'ACME Co' })
    expect(uri).toBe(`otpauth://totp/ACME%20Co:alice%40example.com?secret=${HELLO}&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30`)
  })

  it("encodes ':' inside the issuer and the account, so that only the separator is literal", () => {
    const uri = buildUri({ type: 'totp', secret: HELLO, account: 'a:b', issuer: 'c:d' })
    expect(uri).toContain('otpauth://totp/c%3Ad:a%3Ab?')
    expect(parseUri(uri)).toMatchObject({ issuer: 'c:d', account: 'a:b' })
  })

  it('encodes RFC 3986 sub-delimiters that encodeURIComponent leaves alone', () => {
    expect(buildUri({ type: 'totp', secret: HELLO, account: "o'brien(*)!" })).toContain('/o%27brien%28%2A%29%21?')
  })

  it('writes the secret as unpadded uppercase base32 whatever form it was given in', () => {
    expect(buildUri({ type: 'totp', secret: 'mzxw 6===', account: 'a' })).toContain('?secret=MZXW6&')
  })

  it('writes an hotp counter, bigint included, and no period', () => {
    const uri = buildUri({ type: 'hotp', secret: HELLO, account: 'a', counter: 18446744073709551615n, digits: 8 })
    expect(uri).toBe(`otpauth://hotp/a?secret=${HELLO}&algorithm=SHA1&digits=8&counter=18446744073709551615`)
  })

  const bad: Array<[string, unknown, string, RegExp]> = [
    ['no options', undefined, 'INVALID_OPTIONS', /options object/],
    ['an unknown type', { type: 'motp', secret: HELLO, account: 'a' }, 'INVALID_OPTIONS', /'totp' or 'hotp'/],
    ['an empty account', { type: 'totp', secret: HELLO, account: '' }, 'INVALID_OPTIONS', /account as a non-empty string/],
    ["':' in an account without issuer", { type: 'totp', secret: HELLO, account: 'a:b' }, 'INVALID_OPTIONS', /needs an issuer/],
    ['a lone surrogate', { type: 'totp', secret: HELLO, account: 'a\uD800' }, 'INVALID_OPTIONS', /surrogate/],
    ['a bad base32 secret', { type: 'totp', secret: 'JBSWY3DP0', account: 'a' }, 'INVALID_SECRET', /base32/],
    ['an empty secret', { type: 'totp', secret: new Uint8Array(0), account: 'a' }, 'INVALID_SECRET', /1 to 1024 bytes/],
    ['an unknown algorithm', { type: 'totp', secret: HELLO, account: 'a', algorithm: 'MD5' }, 'INVALID_ALGORITHM', /SHA1/],
    ['5 digits', { type: 'totp', secret: HELLO, account: 'a', digits: 5 }, 'INVALID_DIGITS', /6 to 10/],
    ['a zero period', { type: 'totp', secret: HELLO, account: 'a', period: 0 }, 'INVALID_PERIOD', /at least 1/],
    ['a counter on totp', { type: 'totp', secret: HELLO, account: 'a', counter: 1 }, 'INVALID_OPTIONS', /not a counter/],
    ['a period on hotp', { type: 'hotp', secret: HELLO, account: 'a', counter: 1, period: 30 }, 'INVALID_OPTIONS', /not a period/],
    ['hotp without counter', { type: 'hotp', secret: HELLO, account: 'a' }, 'INVALID_COUNTER', /needs a counter/],
    ['a negative counter', { type: 'hotp', secret: HELLO, account: 'a', counter: -1 }, 'INVALID_COUNTER', /2\^64 - 1/],
    ['a counter past 2^64 - 1', { type: 'hotp', secret: HELLO, account: 'a', counter: 1n << 64n }, 'INVALID_COUNTER', /2\^64 - 1/],
  ]

  it.each(bad)('rejects %s', (_, input, code, message) => {
    const error = buildError(input)
    expect(error.code).toBe(code)
    expect(error.message).toMatch(message)
    expect(error.message).not.toContain(HELLO)
  })
})

describe('round trips', () => {
  const name = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 })
  const common = {
    secret: fc.uint8Array({ minLength: 1, maxLength: 128 }),
    account: name,
    issuer: fc.option(name, { nil: undefined }),
    algorithm: fc.constantFrom('SHA1' as const, 'SHA256' as const, 'SHA512' as const),
    digits: fc.integer({ min: 6, max: 10 }),
  }
  const totp = fc.record({ ...common, type: fc.constant('totp' as const), period: fc.integer({ min: 1, max: 2 ** 40 }) })
  const hotp = fc.record({
    ...common,
    type: fc.constant('hotp' as const),
    counter: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((c) => (c <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(c) : c)),
  })
  const written = fc
    .oneof(totp, hotp)
    .filter((uri) => uri.issuer !== undefined || !uri.account.includes(':'))
    .map(({ issuer, ...rest }) => (issuer === undefined ? rest : { ...rest, issuer }))

  it('parseUri(buildUri(x)) gives back every parameter of x', () => {
    fc.assert(
      fc.property(written, (uri) => {
        expect(parseUri(buildUri(uri))).toEqual(uri)
      }),
      { numRuns: 2000 },
    )
  })

  it('writes URIs that the otpauth package reads the same way', () => {
    fc.assert(
      fc.property(totp, (uri) => {
        const issuer = uri.issuer ?? 'Issuer'
        const theirs = OTPAuth.URI.parse(buildUri({ ...uri, issuer })) as OTPAuth.TOTP
        expect(theirs.issuer).toBe(issuer)
        expect(theirs.label).toBe(uri.account)
        expect(theirs.secret.base32).toBe(base32Encode(uri.secret))
        expect(theirs.algorithm).toBe(uri.algorithm)
        expect(theirs.digits).toBe(uri.digits)
        expect(theirs.period).toBe(uri.period)
      }),
      { numRuns: 300 },
    )
  })

  it('reads URIs that the otpauth package writes', () => {
    fc.assert(
      fc.property(hotp, (uri) => {
        const counter = Number(uri.counter) % 2 ** 40
        const theirs = new OTPAuth.HOTP({
          issuer: uri.issuer ?? '',
          label: uri.account,
          secret: OTPAuth.Secret.fromBase32(base32Encode(uri.secret)),
          algorithm: uri.algorithm,
          digits: uri.digits,
          counter,
        })
        const ours = parseUri(theirs.toString())
        expect(ours).toMatchObject({ type: 'hotp', account: uri.account, secret: uri.secret, counter, digits: uri.digits })
        expect(ours.issuer).toBe(uri.issuer)
      }),
      { numRuns: 300 },
    )
  })
})

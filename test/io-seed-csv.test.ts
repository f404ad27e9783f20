import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { verifyHotp, verifyTotp } from '../src/index.js'
import { buildSeedCsv, parseSeedCsv, type Token } from '../src/io/formats.js'
import { referenceHotp, rng } from './helpers/reference.js'
import { otpErrorOf } from './helpers/errors.js'

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text)
const RFC_KEY = ascii('12345678901234567890')
const RFC_KEY_HEX = Buffer.from(RFC_KEY).toString('hex')

describe('parseSeedCsv', () => {
  it('reads a vendor file: semicolons, aliased headers, hex seeds, a comment and a blank line', () => {
    const tokens = parseSeedCsv(readFileSync(new URL('./fixtures/seed-csv/vendor-hotp.csv', import.meta.url), 'utf8'))
    expect(tokens).toEqual([
      { type: 'hotp', secret: RFC_KEY, account: '', algorithm: 'SHA1', digits: 6, serial: 'SN1001', counter: 0 },
      { type: 'hotp', secret: RFC_KEY, account: '', algorithm: 'SHA1', digits: 8, serial: 'SN1002', counter: 5 },
      {
        type: 'hotp',
        secret: ascii('12345678901234567890123456789012'),
        account: '',
        algorithm: 'SHA256',
        digits: 8,
        serial: 'SN1003',
        counter: 10,
      },
    ])
    // Every imported token verifies a code computed by node:crypto.
    for (const t of tokens) {
      expect(
        verifyHotp(t.secret, referenceHotp(t.algorithm, t.secret, BigInt(t.counter!), t.digits), t.counter!, {
          digits: t.digits,
          algorithm: t.algorithm,
        }),
      ).toBe(0)
    }
  })

  it('reads base32 secrets, quoted fields, a BOM, any header case, TOTP rows', () => {
    const text =
      '\uFEFFACCOUNT,Issuer,KEY,Type,Period,Digits,Algorithm\n"Smith, Jane","Ex ""Corp""",GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ,TOTP,60,8,sha512\n'
    const [token] = parseSeedCsv(text)
    expect(token).toEqual({
      type: 'totp',
      secret: RFC_KEY,
      account: 'Smith, Jane',
      issuer: 'Ex "Corp"',
      algorithm: 'SHA512',
      digits: 8,
      period: 60,
    })
    const time = 1_700_000_000
    expect(
      verifyTotp(token!.secret, referenceHotp('SHA512', RFC_KEY, BigInt(Math.floor(time / 60)), 8), {
        time,
        period: 60,
        digits: 8,
        algorithm: 'SHA512',
        window: 0,
      }),
    ).toBe(0)
  })

  it('a secret that reads both as hex and as base32 is refused, unless something says which', () => {
    const ambiguous = 'serial,secret\nS1,abcdef234567\n'
    const error = otpErrorOf(() => parseSeedCsv(ambiguous))
    expect(error.message).toMatch(/line 2: the secret reads as hex and as base32/)
    expect(parseSeedCsv(ambiguous, { secretEncoding: 'hex' })[0]!.secret).toEqual(new Uint8Array([0xab, 0xcd, 0xef, 0x23, 0x45, 0x67]))
    expect(parseSeedCsv('serial,secret_base32\nS1,abcdef234567\n')[0]!.secret.length).toBe(7)
    expect(parseSeedCsv('serial,seed-hex\nS1,abcdef234567\n')[0]!.secret).toEqual(new Uint8Array([0xab, 0xcd, 0xef, 0x23, 0x45, 0x67]))
    expect(parseSeedCsv('serial,secret,encoding\nS1,abcdef234567,base32\nS2,abcdef234567,hex\n').map((t) => t.secret.length)).toEqual([
      7, 6,
    ])
  })

  it('one error for the file, each bad row by its line number, never a secret', () => {
    const text = [
      'serial,seed,digits,type,counter,period',
      `S1,${RFC_KEY_HEX},6,hotp,1,`,
      `S2,${RFC_KEY_HEX}zz,6,hotp,1,`, // neither hex nor base32
      '',
      `S3,${RFC_KEY_HEX},12,hotp,1,`, // 12 digits
      `S4,${RFC_KEY_HEX},6,motp,,`, // unknown type
      `S5,${RFC_KEY_HEX},6,totp,3,30`, // a counter on a TOTP row
      'S6,,6,totp,,30', // no secret
    ].join('\n')
    const error = otpErrorOf(() => parseSeedCsv(text))
    expect(error.code).toBe('INVALID_CSV')
    expect(error.message).toMatch(
      /5 invalid rows: line 3: .*; line 5: digits must be .*; line 6: type must be hotp or totp.*; line 7: a totp row has a period, not a counter; line 8: the secret is empty/,
    )
    expect(error.message).not.toContain(RFC_KEY_HEX)
    expect((error.cause as AggregateError).errors).toHaveLength(5)
  })

  it('refuses a file without a header naming a secret column, and an unclosed quote', () => {
    expect(otpErrorOf(() => parseSeedCsv('serial,digits\nS1,6\n')).message).toMatch(/names no secret column/)
    expect(otpErrorOf(() => parseSeedCsv('')).message).toMatch(/empty/)
    expect(otpErrorOf(() => parseSeedCsv(`serial,seed\n"S1,${RFC_KEY_HEX}\n`)).message).toMatch(/line 2: a quoted field is not closed/)
  })
})

describe('buildSeedCsv -> parseSeedCsv', () => {
  function randomTokens(seed: number, count: number): Token[] {
    const r = rng(seed)
    return Array.from({ length: count }, (_, i) => {
      const token: Token = {
        type: r.pick(['hotp', 'totp'] as const),
        secret: r.bytes(r.int(1, 64)),
        account: r.pick(['', `user${i}`, 'Smith, "Jo"', '=cmd()', ' spaced ']),
        algorithm: r.pick(['SHA1', 'SHA256', 'SHA512'] as const),
        digits: r.int(6, 10),
        id: `id-${i}`,
      }
      if (r.next() < 0.5) token.serial = `SN;${i}`
      if (r.next() < 0.5) token.issuer = 'Issuer\nwith a line break'
      if (r.next() < 0.3) token.manufacturer = 'Acme'
      if (token.type === 'hotp') token.counter = r.pick([0, r.int(1, 1e9), (1n << 64n) - 1n])
      else {
        token.period = r.pick([30, 60])
        if (r.next() < 0.5) token.drift = r.int(-3, 3)
      }
      return token
    })
  }

  it.each(['hex', 'base32'] as const)('%s secrets: the same tokens', (secretEncoding) => {
    const tokens = randomTokens(secretEncoding.length, 50)
    const text = buildSeedCsv(tokens, { secretEncoding })
    expect(text.split('\r\n')[0]).toBe(
      `id,serial,manufacturer,issuer,account,type,algorithm,digits,counter,period,drift,secret_${secretEncoding}`,
    )
    expect(parseSeedCsv(text)).toEqual(tokens)
  })

  it('refuses a bad token with the code of its check', () => {
    expect(
      otpErrorOf(() => buildSeedCsv([{ type: 'totp', secret: RFC_KEY, account: 'a', algorithm: 'MD5' as 'SHA1', digits: 6 }])).code,
    ).toBe('INVALID_ALGORITHM')
  })
})

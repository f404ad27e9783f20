import { describe, expect, it } from 'vitest'
import { hotp, verifyHotp, verifyTotp } from '../src/index.js'
import { buildMigrationUris, parseMigrationUri, type Token } from '../src/io/formats.js'
import { referenceHotp, rng } from './helpers/reference.js'
import { otpErrorOf } from './helpers/errors.js'

/**
 * An independent encoder: the MigrationPayload written byte by byte from the format's published
 * field numbers (1 otp_parameters {1 secret, 2 name, 3 issuer, 4 algorithm, 5 digits, 6 type,
 * 7 counter}, 2 version, 3 batch_size, 4 batch_index, 5 batch_id), without any protobuf library.
 */
function varint(value: bigint): number[] {
  const out: number[] = []
  let v = BigInt.asUintN(64, value)
  do {
    const byte = Number(v & 0x7fn)
    v >>= 7n
    out.push(v === 0n ? byte : byte | 0x80)
  } while (v !== 0n)
  return out
}
const tagged = (field: number, wire: number): number[] => varint(BigInt((field << 3) | wire))
const bytesField = (field: number, bytes: Uint8Array | number[]): number[] => [
  ...tagged(field, 2),
  ...varint(BigInt(bytes.length)),
  ...bytes,
]
const stringField = (field: number, text: string): number[] => bytesField(field, new TextEncoder().encode(text))
const intField = (field: number, value: number | bigint): number[] => [...tagged(field, 0), ...varint(BigInt(value))]

interface Entry {
  secret: Uint8Array
  name: string
  issuer?: string
  algorithm?: number
  digits?: number
  type: number
  counter?: bigint
}
function payload(entries: Entry[], batch = { size: 1, index: 0, id: 42 }): number[] {
  const out: number[] = []
  for (const e of entries) {
    const body = [...bytesField(1, e.secret), ...stringField(2, e.name)]
    if (e.issuer !== undefined) body.push(...stringField(3, e.issuer))
    if (e.algorithm !== undefined) body.push(...intField(4, e.algorithm))
    if (e.digits !== undefined) body.push(...intField(5, e.digits))
    body.push(...intField(6, e.type))
    if (e.counter !== undefined) body.push(...intField(7, e.counter))
    out.push(...bytesField(1, body))
  }
  out.push(...intField(2, 1), ...intField(3, batch.size), ...intField(4, batch.index), ...intField(5, batch.id))
  return out
}
const uriOf = (bytes: number[]): string => `otpauth-migration://offline?data=${encodeURIComponent(Buffer.from(bytes).toString('base64'))}`

const RFC_KEY = new TextEncoder().encode('12345678901234567890')

describe('parseMigrationUri: a payload from an independent encoder', () => {
  it('reads TOTP and HOTP entries, algorithms, digits, counters and batch numbers', () => {
    const uri = uriOf(
      payload(
        [
          { secret: RFC_KEY, name: 'Example:alice@example.com', issuer: 'Example', algorithm: 1, digits: 1, type: 2 },
          { secret: RFC_KEY, name: 'bob', algorithm: 2, digits: 2, type: 1, counter: 5n },
          { secret: RFC_KEY, name: 'ACME: carol', algorithm: 3, digits: 1, type: 1, counter: (1n << 63n) - 1n },
          { secret: RFC_KEY, name: 'Other:dave', issuer: 'Issuer', type: 2 },
        ],
        { size: 3, index: 1, id: 123456789 },
      ),
    )
    const { tokens, batch } = parseMigrationUri(uri)
    expect(batch).toEqual({ index: 1, size: 3, id: 123456789 })
    expect(tokens).toEqual([
      { type: 'totp', secret: RFC_KEY, account: 'alice@example.com', issuer: 'Example', algorithm: 'SHA1', digits: 6, period: 30 },
      { type: 'hotp', secret: RFC_KEY, account: 'bob', algorithm: 'SHA256', digits: 8, counter: 5 },
      { type: 'hotp', secret: RFC_KEY, account: 'carol', issuer: 'ACME', algorithm: 'SHA512', digits: 6, counter: (1n << 63n) - 1n },
      // The prefix is not the issuer: the name is shown whole, as the app shows it.
      { type: 'totp', secret: RFC_KEY, account: 'Other:dave', issuer: 'Issuer', algorithm: 'SHA1', digits: 6, period: 30 },
    ])
    // RFC 4226 Appendix D: the secret decoded is the RFC's key.
    expect(hotp(tokens[1]!.secret, 0)).toBe('755224')
  })

  it('every imported token verifies a code computed by node:crypto', () => {
    const { tokens } = parseMigrationUri(
      uriOf(
        payload([
          { secret: RFC_KEY, name: 'a', algorithm: 2, digits: 2, type: 2 },
          { secret: RFC_KEY, name: 'b', algorithm: 3, digits: 1, type: 1, counter: 99n },
        ]),
      ),
    )
    const time = 1_700_000_000
    const [t, h] = tokens as [Token, Token]
    expect(
      verifyTotp(t.secret, referenceHotp('SHA256', RFC_KEY, BigInt((time / 30) | 0), 8), {
        time,
        digits: 8,
        algorithm: 'SHA256',
        window: 0,
      }),
    ).toBe(0)
    expect(verifyHotp(h.secret, referenceHotp('SHA512', RFC_KEY, 99n, 6), 99, { algorithm: 'SHA512' })).toBe(0)
  })

  it('is lenient about the base64: URL-safe letters, no padding, a space for a plus', () => {
    const bytes = payload([{ secret: new Uint8Array([0xfb, 0xff, 0xfe, 0x3e, 0x3f]), name: 'x', type: 2 }])
    const expected = parseMigrationUri(uriOf(bytes))
    const base64 = Buffer.from(bytes).toString('base64')
    expect(base64).toMatch(/[+/]/)
    expect(parseMigrationUri(`otpauth-migration://offline?data=${base64.replace(/=+$/, '')}`)).toEqual(expected)
    expect(parseMigrationUri(`otpauth-migration://offline?data=${base64.replace(/\+/g, ' ')}`)).toEqual(expected)
    expect(parseMigrationUri(`  OTPAUTH-MIGRATION://offline?data=${Buffer.from(bytes).toString('base64url')}  `)).toEqual(expected)
  })

  const refused: Array<[string, string, RegExp]> = [
    ['MD5', uriOf(payload([{ secret: RFC_KEY, name: 'x', algorithm: 4, type: 2 }])), /otp_parameters\[0\]: the algorithm is MD5/],
    ['an unknown algorithm', uriOf(payload([{ secret: RFC_KEY, name: 'x', algorithm: 9, type: 2 }])), /unknown algorithm 9/],
    ['seven digits', uriOf(payload([{ secret: RFC_KEY, name: 'x', digits: 3, type: 2 }])), /unknown digits 3/],
    ['no type', uriOf(payload([{ secret: RFC_KEY, name: 'x', type: 0 }])), /unknown type 0/],
    [
      'an empty secret',
      uriOf(payload([{ secret: new Uint8Array(0), name: 'x', type: 2 }])),
      /otp_parameters\[0\]: secret must be 1 to 1024 bytes/,
    ],
    ['a negative counter', uriOf(payload([{ secret: RFC_KEY, name: 'x', type: 1, counter: -1n }])), /negative counter/],
    ['truncated protobuf', uriOf(payload([{ secret: RFC_KEY, name: 'x', type: 2 }]).slice(0, 10)), /not a valid MigrationPayload/],
    ['not base64', 'otpauth-migration://offline?data=%%%', /percent-encoding/],
    ['stray characters', 'otpauth-migration://offline?data=AB*D', /not base64/],
    ['no data', 'otpauth-migration://offline?foo=bar', /'data' parameter/],
    ['two data', 'otpauth-migration://offline?data=AA&data=AA', /given twice/],
    ['another scheme', 'otpauth://totp/x?secret=AA', /otpauth-migration:\/\/offline/],
  ]
  it.each(refused)('refuses %s: INVALID_MIGRATION naming it, never the secret', (_, uri, message) => {
    const error = otpErrorOf(() => parseMigrationUri(uri))
    expect(error.code).toBe('INVALID_MIGRATION')
    expect(error.message).toMatch(message)
    expect(error.message).not.toContain('12345678901234567890')
  })

  it('refuses a URI above MAX_MIGRATION_URI_LENGTH before decoding it', () => {
    expect(otpErrorOf(() => parseMigrationUri(`otpauth-migration://offline?data=${'A'.repeat(300_000)}`)).message).toMatch(
      /above the limit/,
    )
  })
})

describe('buildMigrationUris -> parseMigrationUri', () => {
  function randomTokens(seed: number, count: number): Token[] {
    const r = rng(seed)
    return Array.from({ length: count }, (_, i) => {
      const token: Token = {
        type: r.pick(['hotp', 'totp'] as const),
        secret: r.bytes(r.pick([10, 20, 32, 64])),
        account: r.pick([`user${i}@example.com`, 'ünï 🙂', 'a&b=c?d']),
        algorithm: r.pick(['SHA1', 'SHA256', 'SHA512'] as const),
        digits: r.pick([6, 8]),
      }
      if (r.next() < 0.6) token.issuer = r.pick(['Example', 'A:B Corp', 'Ünïcode'])
      if (token.type === 'hotp') token.counter = r.pick([0, r.int(1, 1e9), (1n << 63n) - 1n])
      else token.period = 30
      return token
    })
  }

  it('the same tokens and codes, in batches of 10 by default, numbered as one export', () => {
    const tokens = randomTokens(1, 23)
    const uris = buildMigrationUris(tokens)
    expect(uris).toHaveLength(3)
    const batches = uris.map(parseMigrationUri)
    expect(batches.map((b) => b.tokens.length)).toEqual([10, 10, 3])
    expect(batches.map((b) => b.batch.index)).toEqual([0, 1, 2])
    expect(new Set(batches.map((b) => `${b.batch.size}/${b.batch.id}`)).size).toBe(1)
    expect(batches[0]!.batch.size).toBe(3)
    const read = batches.flatMap((b) => b.tokens)
    expect(read).toEqual(tokens)
    for (let i = 0; i < tokens.length; i++) {
      const [a, b] = [tokens[i]!, read[i]!]
      const counter = a.type === 'hotp' ? BigInt(a.counter!) : 56_666_666n
      expect(referenceHotp(b.algorithm, b.secret, counter, b.digits)).toBe(referenceHotp(a.algorithm, a.secret, counter, a.digits))
    }
  })

  it('a default batch of typical tokens fits one QR code comfortably (under 2,000 characters)', () => {
    const tokens = Array.from({ length: 10 }, (_, i): Token => ({
      type: 'totp',
      secret: new Uint8Array(32).fill(i),
      account: `someone.with.a.long.name${i}@example.com`,
      issuer: 'Example Corporation',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    }))
    const [uri, ...rest] = buildMigrationUris(tokens)
    expect(rest).toHaveLength(0)
    expect(uri!.length).toBeLessThan(2000)
  })

  it('batchSize sets the tokens per URI; no tokens, no URIs', () => {
    expect(buildMigrationUris(randomTokens(2, 5), { batchSize: 2 })).toHaveLength(3)
    expect(buildMigrationUris([])).toEqual([])
    expect(otpErrorOf(() => buildMigrationUris([], { batchSize: 0 })).code).toBe('INVALID_OPTIONS')
  })

  it('refuses what the format cannot carry', () => {
    const base: Token = { type: 'totp', secret: RFC_KEY, account: 'a', algorithm: 'SHA1', digits: 6, period: 30 }
    expect(otpErrorOf(() => buildMigrationUris([{ ...base, period: 60 }])).code).toBe('INVALID_PERIOD')
    expect(otpErrorOf(() => buildMigrationUris([{ ...base, digits: 7 }])).code).toBe('INVALID_DIGITS')
    const { period: _, ...hotpBase } = base
    expect(otpErrorOf(() => buildMigrationUris([{ ...hotpBase, type: 'hotp', counter: 1n << 63n }])).code).toBe('INVALID_COUNTER')
    expect(otpErrorOf(() => buildMigrationUris([{ ...base, account: 'x:y' }])).message).toMatch(/needs an issuer/)
    expect(otpErrorOf(() => buildMigrationUris([{ ...base, secret: new Uint8Array(0) }])).code).toBe('INVALID_SECRET')
  })
})

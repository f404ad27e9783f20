import { execFileSync } from 'node:child_process'
import { createCipheriv, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hotp, totp, verifyHotp, verifyTotp } from '../src/index.js'
import { buildPskc, parsePskc, parsePskcStream, type Token } from '../src/io/formats.js'
import {
  hasPythonPskc,
  PYTHON_PSKC_FIXTURE,
  readWithPythonPskc,
  writePythonPskc,
  type PythonProtection,
  type PythonToken,
} from './helpers/python-pskc.js'
import { referenceHotp, rng } from './helpers/reference.js'
import { otpErrorOf } from './helpers/errors.js'

const VECTORS = new URL('./vectors/pskc/', import.meta.url)
const fixture = (name: string): string => readFileSync(new URL(name, VECTORS), 'utf8')
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text)
const FIGURE6_KEY = Buffer.from('12345678901234567890123456789012', 'hex')
const hasPskctool = existsSync('/usr/bin/pskctool')

/** `pskctool --validate` prints OK or FAIL (and exits 0 either way). */
function pskctoolValidates(xml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pskc-'))
  try {
    writeFileSync(join(dir, 'file.pskcxml'), xml)
    return execFileSync('/usr/bin/pskctool', ['--validate', join(dir, 'file.pskcxml')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The code a token shows now-ish, computed by node:crypto (RFC 4226 / 6238), at a fixed time. */
function referenceCode(token: Token, time = 1_700_000_000): string {
  const counter = token.type === 'hotp' ? BigInt(token.counter!) : BigInt(Math.floor(time / token.period!))
  return referenceHotp(token.algorithm, token.secret, counter, token.digits)
}

/** Every imported token verifies the code node:crypto computes for it. */
function expectVerifies(tokens: Token[]): void {
  const time = 1_700_000_000
  for (const token of tokens) {
    const code = referenceCode(token, time)
    const options = { digits: token.digits, algorithm: token.algorithm }
    if (token.type === 'hotp') expect(verifyHotp(token.secret, code, token.counter!, options)).toBe(0)
    else expect(verifyTotp(token.secret, code, { ...options, time, period: token.period!, window: 0 })).toBe(0)
  }
}

function fromPython(t: PythonToken): Token {
  const token: Token = {
    type: t.type,
    secret: new Uint8Array(Buffer.from(t.secretHex, 'hex')),
    account: t.account ?? '',
    algorithm: t.algorithm,
    digits: t.digits,
    id: t.id,
  }
  for (const field of ['issuer', 'serial', 'manufacturer'] as const) if (t[field] !== undefined) token[field] = t[field]
  if (t.type === 'hotp') token.counter = t.counter ?? 0
  else {
    token.period = t.period ?? 30
    if (t.drift !== undefined) token.drift = t.drift
  }
  return token
}

describe('parsePskc: the examples of RFC 6030', () => {
  it('Figure 2: the basic container, a plain HOTP secret', () => {
    const tokens = parsePskc(fixture('rfc6030-figure2.pskcxml'))
    expect([...tokens]).toEqual([
      { type: 'hotp', secret: ascii('1234'), account: '', algorithm: 'SHA1', digits: 6, issuer: 'Issuer-A', id: '12345678', counter: 0 },
    ])
    expect(tokens.signed).toBe(false)
    expectVerifies(tokens)
  })

  it('Figure 5: the HOTP key, not the PIN key that protects it', () => {
    const tokens = parsePskc(fixture('rfc6030-figure5.pskcxml'))
    expect([...tokens]).toEqual([
      {
        type: 'hotp',
        secret: ascii('12345678901234567890'),
        account: '',
        algorithm: 'SHA1',
        digits: 8,
        issuer: 'Issuer',
        serial: '987654321',
        manufacturer: 'Manufacturer',
        id: '12345678',
        counter: 0,
      },
    ])
    expectVerifies(tokens)
  })

  it('Figure 6: AES-128-CBC under a pre-shared key, HMAC-SHA1 MAC', () => {
    const tokens = parsePskc(fixture('rfc6030-figure6.pskcxml'), { key: FIGURE6_KEY })
    expect([...tokens]).toEqual([
      {
        type: 'hotp',
        secret: ascii('12345678901234567890'),
        account: '',
        algorithm: 'SHA1',
        digits: 8,
        issuer: 'Issuer',
        serial: '987654321',
        manufacturer: 'Manufacturer',
        id: '12345678',
        counter: 0,
      },
    ])
    // RFC 4226 Appendix D, 8 digits of counter 0: the secret is the RFC's own test key.
    expect(hotp(tokens[0]!.secret, 0, { digits: 8 })).toBe('84755224')
  })

  it('Figure 7: AES-128-CBC under a PBKDF2 key from a password', () => {
    const tokens = parsePskc(fixture('rfc6030-figure7.pskcxml'), { password: 'qwerty' })
    expect(tokens).toHaveLength(1)
    expect(tokens[0]).toMatchObject({
      type: 'hotp',
      secret: ascii('12345678901234567890'),
      digits: 8,
      issuer: 'Example-Issuer',
      manufacturer: 'TokenVendorAcme',
      id: '123456',
    })
    expectVerifies(tokens)
  })

  it('reads bytes as well as text', () => {
    expect([...parsePskc(readFileSync(new URL('rfc6030-figure6.pskcxml', VECTORS)), { key: FIGURE6_KEY })]).toEqual([
      ...parsePskc(fixture('rfc6030-figure6.pskcxml'), { key: FIGURE6_KEY }),
    ])
  })

  it.skipIf(!hasPskctool)('the fixtures are valid PSKC for pskctool', () => {
    for (const figure of [2, 5, 6, 7]) expect(pskctoolValidates(fixture(`rfc6030-figure${figure}.pskcxml`))).toBe('OK')
  })
})

describe('parsePskc: keys, passwords and the MAC', () => {
  it('a wrong password or key is DECRYPTION_FAILED, and the message holds neither', () => {
    const wrongPassword = otpErrorOf(() => parsePskc(fixture('rfc6030-figure7.pskcxml'), { password: 'qwertz' }))
    expect(wrongPassword.code).toBe('DECRYPTION_FAILED')
    expect(wrongPassword.message).not.toContain('qwert')
    for (const key of [Buffer.alloc(16, 0x42), Buffer.from(FIGURE6_KEY).reverse()]) {
      const error = otpErrorOf(() => parsePskc(fixture('rfc6030-figure6.pskcxml'), { key }))
      expect(error.code).toBe('DECRYPTION_FAILED')
      expect(error.message).not.toContain(key.toString('hex'))
    }
  })

  it('a key of the wrong length is DECRYPTION_FAILED', () => {
    expect(otpErrorOf(() => parsePskc(fixture('rfc6030-figure6.pskcxml'), { key: FIGURE6_KEY.subarray(0, 15) })).code).toBe(
      'DECRYPTION_FAILED',
    )
  })

  it('a tampered ciphertext or MAC is caught by the MAC: DECRYPTION_FAILED', () => {
    const xml = fixture('rfc6030-figure6.pskcxml')
    const tampered = [
      xml.replace('AAECAwQFBgcICQoLDA0OD+cIHItl', 'AAECAwQFBgcICQoLDA0OD+cIHIt1'), // a ciphertext byte
      xml.replace('AAECAwQFBgcICQoLDA0OD+cI', 'AAECAwQFBgcICQoLDA0OD+cJ'), // an IV byte
      xml.replace('Su+NvtQfmvfJzF6bmQiJqoLRExc=', 'Tu+NvtQfmvfJzF6bmQiJqoLRExc='), // the MAC itself
    ]
    for (const file of tampered) {
      expect(file).not.toBe(xml)
      const error = otpErrorOf(() => parsePskc(file, { key: FIGURE6_KEY }))
      expect(error.code).toBe('DECRYPTION_FAILED')
      // The MAC is checked first: nothing of the tampered value was decrypted.
      expect(error.message).toMatch(/the MAC of the encrypted Secret does not match/)
    }
  })

  it('a missing password or key is INVALID_OPTIONS naming the option', () => {
    expect(otpErrorOf(() => parsePskc(fixture('rfc6030-figure7.pskcxml'))).message).toMatch(/options\.password/)
    const noKey = otpErrorOf(() => parsePskc(fixture('rfc6030-figure6.pskcxml'), { password: 'x' }))
    expect(noKey.code).toBe('INVALID_OPTIONS')
    expect(noKey.message).toMatch(/options\.key.*|pre-shared key named 'Pre-shared-key'/)
  })

  it('an encrypted value without a ValueMAC is refused, not used unchecked', () => {
    const xml = fixture('rfc6030-figure6.pskcxml').replace(/<ValueMAC>[^<]*<\/ValueMAC>/, '')
    const error = otpErrorOf(() => parsePskc(xml, { key: FIGURE6_KEY }))
    expect(error.code).toBe('INVALID_PSKC')
    expect(error.message).toMatch(/KeyPackage 1 \(Key Id '12345678'\).*ValueMAC/)
  })

  it('a file without a MACMethod cannot have its encrypted values checked: refused', () => {
    const xml = fixture('rfc6030-figure6.pskcxml').replace(/<MACMethod[\s\S]*<\/MACMethod>/, '')
    expect(otpErrorOf(() => parsePskc(xml, { key: FIGURE6_KEY })).message).toMatch(/MACMethod/)
  })

  it('reports an XML Signature as signed: true on the array, without changing the tokens', () => {
    const plain = fixture('rfc6030-figure2.pskcxml')
    const signed = plain.replace(
      '</KeyContainer>',
      '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature></KeyContainer>',
    )
    const tokens = parsePskc(signed)
    expect(tokens.signed).toBe(true)
    expect([...tokens]).toEqual([...parsePskc(plain)])
  })
})

/**
 * A PSKC file made here with node:crypto alone, as an independent writer: PBKDF2 with the given
 * PRF, the given AES-CBC, the MAC key and the secret's ValueMAC under the given HMAC.
 */
function handMadePskc(
  password: string,
  secret: Uint8Array,
  cipher: 'aes128-cbc' | 'aes192-cbc' | 'aes256-cbc',
  mac: string,
  prf: string,
): string {
  const keyLength = Number(cipher.slice(3, 6)) / 8
  const salt = randomBytes(8)
  const key = pbkdf2Sync(password, salt, 1000, keyLength, prf)
  const encrypt = (plaintext: Uint8Array): Buffer => {
    const iv = randomBytes(16)
    const c = createCipheriv(`aes-${keyLength * 8}-cbc`, key, iv)
    return Buffer.concat([iv, c.update(plaintext), c.final()])
  }
  const macKey = randomBytes(20)
  const encryptedSecret = encrypt(secret)
  const macUri = mac === 'sha1' ? 'http://www.w3.org/2000/09/xmldsig#hmac-sha1' : `http://www.w3.org/2001/04/xmldsig-more#hmac-${mac}`
  const prfUri = prf === 'sha1' ? 'http://www.w3.org/2000/09/xmldsig#hmac-sha1' : `http://www.w3.org/2001/04/xmldsig-more#hmac-${prf}`
  const cipherValue = (data: Buffer, wrapper: string): string =>
    `<${wrapper}><xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#${cipher}"/><xenc:CipherData><xenc:CipherValue>${data.toString('base64')}</xenc:CipherValue></xenc:CipherData></${wrapper}>`
  return `<?xml version="1.0"?>
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" xmlns:pkcs5="http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#">
  <EncryptionKey><xenc11:DerivedKey><xenc11:KeyDerivationMethod Algorithm="http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#pbkdf2">
    <pkcs5:PBKDF2-params><Salt><Specified>${salt.toString('base64')}</Specified></Salt><IterationCount>1000</IterationCount><KeyLength>${keyLength}</KeyLength><PRF Algorithm="${prfUri}"/></pkcs5:PBKDF2-params>
  </xenc11:KeyDerivationMethod></xenc11:DerivedKey></EncryptionKey>
  <MACMethod Algorithm="${macUri}">${cipherValue(encrypt(macKey), 'MACKey')}</MACMethod>
  <KeyPackage><Key Id="1" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp"><Data>
    <Secret>${cipherValue(encryptedSecret, 'EncryptedValue')}<ValueMAC>${createHmac(mac, macKey).update(encryptedSecret).digest('base64')}</ValueMAC></Secret>
  </Data></Key></KeyPackage>
</KeyContainer>`
}

describe('parsePskc: every MAC, cipher and PBKDF2 PRF of a file made with node:crypto alone', () => {
  const secret = randomBytes(20)
  const cases: Array<[string, string, string]> = [
    ['aes128-cbc', 'sha1', 'sha1'],
    ['aes192-cbc', 'sha224', 'sha256'],
    ['aes256-cbc', 'sha256', 'sha512'],
    ['aes128-cbc', 'sha384', 'sha224'],
    ['aes256-cbc', 'sha512', 'sha384'],
  ]
  it("a PBKDF2 key without a KeyLength takes the cipher's (AES-256: 32 bytes)", () => {
    const xml = handMadePskc('pw', secret, 'aes256-cbc', 'sha256', 'sha1').replace('<KeyLength>32</KeyLength>', '')
    expect(parsePskc(xml, { password: 'pw' })[0]!.secret).toEqual(new Uint8Array(secret))
  })

  it.each(cases)('%s, HMAC-%s MAC, PBKDF2-HMAC-%s', (cipher, mac, prf) => {
    const xml = handMadePskc('pw', secret, cipher as 'aes128-cbc', mac, prf)
    const [token] = parsePskc(xml, { password: 'pw' })
    expect(token!.secret).toEqual(new Uint8Array(secret))
    expect(otpErrorOf(() => parsePskc(xml, { password: 'pW' })).code).toBe('DECRYPTION_FAILED')
  })
})

describe('parsePskc: lenient where files differ harmlessly, strict where a code would change', () => {
  const figure2 = fixture('rfc6030-figure2.pskcxml')
  const expected = [...parsePskc(figure2)]

  it('any namespace prefix, a missing Key Id, whitespace inside base64, CDATA', () => {
    const prefixed = figure2
      .replace(/<(\/?)(KeyContainer|KeyPackage|Key|Issuer|Data|Secret|PlainValue)\b/g, '<$1x:$2')
      .replace('xmlns=', 'xmlns:x=')
    expect([...parsePskc(prefixed)]).toEqual(expected)
    const { id: _, ...withoutId } = expected[0]!
    expect([...parsePskc(figure2.replace('Id="12345678"', ''))]).toEqual([withoutId])
    expect([...parsePskc(figure2.replace('MTIzNA==', ' MT\n Iz\tNA == '))]).toEqual(expected)
    expect([...parsePskc(figure2.replace('MTIzNA==', '<![CDATA[MTIzNA==]]>'))]).toEqual(expected)
  })

  it('a ResponseFormat without Encoding is decimal; a TOTP key reads Suite, TimeInterval and TimeDrift', () => {
    const totp = figure2
      .replace('pskc:hotp', 'pskc:totp')
      .replace('<Data>', '<AlgorithmParameters><Suite>HMAC-SHA256</Suite><ResponseFormat Length="8"/></AlgorithmParameters><Data>')
      .replace(
        '</Data>',
        '<TimeInterval><PlainValue>60</PlainValue></TimeInterval><TimeDrift><PlainValue>-2</PlainValue></TimeDrift></Data><UserId>alice</UserId>',
      )
    expect([...parsePskc(totp)]).toEqual([
      {
        type: 'totp',
        secret: ascii('1234'),
        account: 'alice',
        algorithm: 'SHA256',
        digits: 8,
        issuer: 'Issuer-A',
        id: '12345678',
        period: 60,
        drift: -2,
      },
    ])
  })

  const refused: Array<[string, string, RegExp]> = [
    ['base64 with a stray character', figure2.replace('MTIzNA==', 'MTIz*NA=='), /Secret PlainValue: expected base64/],
    [
      'an unknown Suite',
      figure2.replace('<Data>', '<AlgorithmParameters><Suite>HMAC-MD5</Suite></AlgorithmParameters><Data>'),
      /unsupported Suite 'HMAC-MD5'/,
    ],
    [
      'hexadecimal codes',
      figure2.replace('<Data>', '<AlgorithmParameters><ResponseFormat Length="6" Encoding="HEXADECIMAL"/></AlgorithmParameters><Data>'),
      /Encoding 'HEXADECIMAL'/,
    ],
    [
      '5 digits',
      figure2.replace('<Data>', '<AlgorithmParameters><ResponseFormat Length="5" Encoding="DECIMAL"/></AlgorithmParameters><Data>'),
      /digits must be a whole number from 6 to 10/,
    ],
    ['two secrets', figure2.replace('</Secret>', '</Secret><Secret><PlainValue>MTIzNA==</PlainValue></Secret>'), /more than one Secret/],
    [
      'an unknown key algorithm',
      figure2.replace('pskc:hotp', 'pskc:ocra'),
      /KeyPackage 1 \(Key Id '12345678'\): unsupported key Algorithm/,
    ],
    ['no key algorithm', figure2.replace(/Algorithm="[^"]*"/, ''), /no Algorithm/],
    [
      'a PIN sent with the code',
      figure2.replace('</Data>', '</Data><Policy><PINPolicy PINUsageMode="Append"/></Policy>'),
      /PINUsageMode 'Append'/,
    ],
    [
      'a negative counter',
      figure2.replace('</Secret>', '</Secret><Counter><PlainValue>-1</PlainValue></Counter>'),
      /Counter: expected a whole number/,
    ],
    ['no secret', figure2.replace(/<Secret>[\s\S]*<\/Secret>/, ''), /no Data\/Secret/],
    ['another root element', '<KeyPackage/>', /root element KeyContainer/],
    ['an unsupported cipher', fixture('rfc6030-figure6.pskcxml').replaceAll('aes128-cbc', 'kw-aes128'), /unsupported EncryptionMethod/],
  ]
  it.each(refused)('refuses %s: INVALID_PSKC naming the element', (_, xml, message) => {
    const error = otpErrorOf(() => parsePskc(xml, { key: FIGURE6_KEY }))
    expect(error.code).toBe('INVALID_PSKC')
    expect(error.message).toMatch(message)
    expect(error.message).not.toContain('MTIzNA')
  })
})

describe('PSKC files written by python-pskc', () => {
  const expected = PYTHON_PSKC_FIXTURE.tokens.map(fromPython)
  const { password, keyHex } = PYTHON_PSKC_FIXTURE
  const protections: Array<[string, PythonProtection, { password?: string; key?: Uint8Array }]> = [
    ['plain', { kind: 'plain' }, {}],
    ['pbkdf2', { kind: 'password', password, iterations: PYTHON_PSKC_FIXTURE.iterations }, { password }],
    ['preshared', { kind: 'key', keyHex }, { key: Buffer.from(keyHex, 'hex') }],
  ]

  it.each(protections)('reads the committed %s file (secret, counter and interval encrypted)', (name, _, options) => {
    const tokens = parsePskc(fixture(`python-pskc-${name}.pskcxml`), options)
    expect([...tokens]).toEqual(expected)
    expectVerifies(tokens)
  })

  it.skipIf(!hasPythonPskc).each(protections)('reads a %s file python-pskc writes now', (_, protection, options) => {
    const xml = writePythonPskc(PYTHON_PSKC_FIXTURE.tokens, {
      ...protection,
      ...(protection.kind === 'password' ? { iterations: 1000 } : {}),
    })
    expect([...parsePskc(xml, options)]).toEqual(expected)
  })

  it.skipIf(!hasPythonPskc).each(protections)('python-pskc reads the %s file buildPskc writes', (_, protection, options) => {
    const xml = buildPskc(expected, { ...options, ...(options.password ? { iterations: 1000 } : {}) })
    const read = readWithPythonPskc(xml, protection)
    expect(read).toEqual(
      expected.map((t) => ({
        id: t.id,
        algorithm: `urn:ietf:params:xml:ns:keyprov:pskc:${t.type}`,
        secretHex: Buffer.from(t.secret).toString('hex'),
        digits: t.digits,
        suite: `HMAC-${t.algorithm}`,
        counter: t.counter ?? null,
        period: t.period ?? null,
        drift: t.drift ?? null,
        serial: t.serial ?? null,
        manufacturer: t.manufacturer ?? null,
        issuer: t.issuer ?? null,
        account: t.account === '' ? null : t.account,
      })),
    )
  })
})

describe('buildPskc -> parsePskc', () => {
  function randomTokens(seed: number, count: number): Token[] {
    const r = rng(seed)
    return Array.from({ length: count }, (_, i) => {
      const algorithm = r.pick(['SHA1', 'SHA256', 'SHA512'] as const)
      const base: Token = {
        type: r.pick(['hotp', 'totp'] as const),
        secret: r.bytes(r.int(1, 128)),
        account: r.pick(['', `user${i}@example.com`, 'a<b>&"c\'', 'ünïcödé 🙂']),
        algorithm,
        digits: r.int(6, 10),
        id: `key-${i}`,
      }
      if (r.next() < 0.5) base.issuer = r.pick(['Example', 'A & B <co>'])
      if (r.next() < 0.5) base.serial = String(r.int(1, 1e9))
      if (r.next() < 0.3) base.manufacturer = 'Acme'
      if (base.type === 'hotp') base.counter = r.pick([0, r.int(1, 1e6), Number.MAX_SAFE_INTEGER, (1n << 63n) - 1n])
      else {
        base.period = r.pick([30, 60, r.int(1, 3600)])
        if (r.next() < 0.5) base.drift = r.int(-5, 5)
      }
      return base
    })
  }

  const protections: Array<[string, { password?: string; key?: Uint8Array; iterations?: number }]> = [
    ['plain', {}],
    ['PBKDF2', { password: 'pässwörd', iterations: 1000 }],
    ['AES-128 key', { key: Buffer.alloc(16, 1) }],
    ['AES-192 key', { key: Buffer.alloc(24, 2) }],
    ['AES-256 key', { key: Buffer.alloc(32, 3) }],
  ]
  it.each(protections)('%s: the same tokens and the same codes', (_, options) => {
    const tokens = randomTokens(options.key?.length ?? options.password?.length ?? 0, 40)
    const xml = buildPskc(tokens, options)
    const read = parsePskc(xml, {
      ...(options.password ? { password: options.password } : {}),
      ...(options.key ? { key: options.key } : {}),
    })
    expect([...read]).toEqual(tokens)
    for (let i = 0; i < tokens.length; i++) {
      const [a, b] = [tokens[i]!, read[i]!]
      const opts = { digits: a.digits, algorithm: a.algorithm }
      if (a.type === 'hotp') expect(hotp(b.secret, b.counter!, opts)).toBe(hotp(a.secret, a.counter!, opts))
      else
        expect(totp(b.secret, { ...opts, period: b.period!, time: 1_700_000_000 })).toBe(
          totp(a.secret, { ...opts, period: a.period!, time: 1_700_000_000 }),
        )
    }
    expectVerifies(read)
    if (options.password || options.key) expect(xml).not.toContain(Buffer.from(tokens[0]!.secret).toString('base64'))
  })

  it.skipIf(!hasPskctool).each(protections)('%s: pskctool --validate accepts the file', (_, options) => {
    expect(pskctoolValidates(buildPskc(randomTokens(7, 5), options))).toBe('OK')
  })

  it('writes PBKDF2 with 200,000 iterations unless told otherwise, and a MAC on every secret', () => {
    const xml = buildPskc(randomTokens(1, 3), { password: 'pw' })
    expect(xml).toContain('<IterationCount>200000</IterationCount>')
    expect(xml.match(/<pskc:ValueMAC>/g)).toHaveLength(3)
  })

  it('refuses what it cannot write: bad options, counters above 2^63 - 1, control characters', () => {
    const [token] = randomTokens(2, 1)
    expect(otpErrorOf(() => buildPskc([token!], { password: 'a', key: Buffer.alloc(16) })).code).toBe('INVALID_OPTIONS')
    expect(otpErrorOf(() => buildPskc([token!], { key: Buffer.alloc(20) })).message).toMatch(/16, 24 or 32 bytes/)
    expect(otpErrorOf(() => buildPskc([token!], { password: 'a', iterations: 10 })).message).toMatch(/iterations/)
    const hotpToken: Token = { type: 'hotp', secret: Buffer.alloc(20, 1), account: 'a', algorithm: 'SHA1', digits: 6, counter: 1n << 63n }
    expect(otpErrorOf(() => buildPskc([hotpToken])).code).toBe('INVALID_COUNTER')
    expect(otpErrorOf(() => buildPskc([{ ...hotpToken, counter: 0, account: 'a\u0001b' }])).message).toMatch(/tokens\[0\]\.account/)
    expect(otpErrorOf(() => buildPskc([{ ...hotpToken, digits: 11 }])).code).toBe('INVALID_DIGITS')
  })
})

describe('parsePskcStream', () => {
  const tokens: Token[] = Array.from({ length: 6 }, (_, i) => ({
    type: 'hotp',
    secret: new Uint8Array(20).fill(i + 1),
    account: `ünïcödé-${i} 🙂`,
    algorithm: 'SHA1',
    digits: 6,
    counter: i,
    id: `k${i}`,
  }))

  it('reads bytes cut anywhere, even inside a character, to the tokens parsePskc reads', async () => {
    const bytes = Buffer.from(buildPskc(tokens, { key: Buffer.alloc(16, 9) }))
    const r = rng(5)
    const pieces: Uint8Array[] = []
    for (let at = 0; at < bytes.length;) {
      const size = r.int(1, 97)
      pieces.push(bytes.subarray(at, at + size))
      at += size
    }
    const read: Token[] = []
    const stream = parsePskcStream(pieces, { key: Buffer.alloc(16, 9) })
    for await (const token of stream) read.push(token)
    expect(read).toEqual(tokens)
    expect(read).toEqual([...parsePskc(bytes, { key: Buffer.alloc(16, 9) })])
  })

  it('yields each token once its key package has arrived, before the rest of the file', async () => {
    const xml = buildPskc(tokens)
    const cut = xml.indexOf('<pskc:KeyPackage>', xml.indexOf('<pskc:KeyPackage>') + 1) // after the first package
    let fedAll = false
    async function* source(): AsyncGenerator<string> {
      yield xml.slice(0, cut)
      fedAll = true
      yield xml.slice(cut)
    }
    const stream = parsePskcStream(source())
    const first = await stream.next()
    expect(first.value).toEqual(tokens[0])
    expect(fedAll).toBe(false)
    const rest: Token[] = []
    let result = await stream.next()
    while (!result.done) {
      rest.push(result.value)
      result = await stream.next()
    }
    expect(rest).toEqual(tokens.slice(1))
    expect(result.value).toEqual({ signed: false })
  })

  it('yields every token before a fault, even one that arrived in the same piece as the fault, then throws', async () => {
    const xml = buildPskc(tokens)
    const at = xml.lastIndexOf('keyprov:pskc:hotp')
    const broken = `${xml.slice(0, at)}keyprov:pskc:nope${xml.slice(at + 'keyprov:pskc:hotp'.length)}`
    const read: Token[] = []
    let fault: unknown
    try {
      for await (const token of parsePskcStream([broken])) read.push(token)
    } catch (error) {
      fault = error
    }
    expect(fault).toMatchObject({ code: 'INVALID_PSKC' })
    expect(read).toEqual(tokens.slice(0, 5))
  })

  it('fails from the iteration with the errors of parsePskc', async () => {
    const xml = fixture('rfc6030-figure7.pskcxml')
    const drain = async (pieces: string[], password: string): Promise<unknown> => {
      try {
        for await (const _ of parsePskcStream(pieces, { password })) void _
      } catch (error) {
        return error
      }
      return undefined
    }
    expect(await drain([xml], 'wrong')).toMatchObject({ code: 'DECRYPTION_FAILED' })
    expect(await drain([xml.slice(0, 500)], 'qwerty')).toMatchObject({ code: 'INVALID_PSKC' })
  })
})

describe('the prepared keys of a file (fileKeys)', () => {
  it('MACs as createHmac does, for every MAC hash and keys shorter and longer than its block', async () => {
    const { fileKeys, macByUri } = await import('../src/io/pskc/crypto.js')
    const random = rng(7)
    for (const name of ['hmac-sha1', 'hmac-sha224', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512']) {
      const hash = macByUri(`#${name}`)!
      for (const keyLength of [16, 32, 64, 65, 128, 129, 200]) {
        const macKey = random.bytes(keyLength)
        const keys = fileKeys(random.bytes(32), macKey, hash)
        // Messages of several lengths in a row: the reused buffer never leaks one into the next.
        for (const length of [48, 0, 300, 64, 1]) {
          const data = random.bytes(length)
          expect(keys.mac(data).toString('hex')).toBe(createHmac(hash.name, macKey).update(data).digest('hex'))
        }
      }
    }
  })

  it('decrypts value after value as a fresh AES-CBC decipher does, with the same refusals', async () => {
    const { cipherByUri, decrypt, fileKeys, HMAC_SHA256 } = await import('../src/io/pskc/crypto.js')
    const random = rng(11)
    for (const [uri, keyLength] of [
      ['#aes128-cbc', 16],
      ['#aes192-cbc', 24],
      ['#aes256-cbc', 32],
    ] as const) {
      const cipher = cipherByUri(uri)!
      const key = random.bytes(keyLength)
      const keys = fileKeys(key, random.bytes(32), HMAC_SHA256)
      for (const length of [20, 1, 16, 32, 64, 100]) {
        const plaintext = random.bytes(length)
        const iv = random.bytes(16)
        const encryptor = createCipheriv(cipher.name, key, iv)
        const data = Buffer.concat([iv, encryptor.update(plaintext), encryptor.final()])
        expect(keys.decrypt(cipher, data).toString('hex')).toBe(Buffer.from(plaintext).toString('hex'))
        expect(keys.decrypt(cipher, data).toString('hex')).toBe(decrypt(cipher, key, data).toString('hex'))
      }
      // Not an IV and whole blocks: refused before any decryption, and the next value is still right.
      expect(otpErrorOf(() => keys.decrypt(cipher, random.bytes(40))).code).toBe('DECRYPTION_FAILED')
      expect(otpErrorOf(() => keys.decrypt(cipher, random.bytes(16))).code).toBe('DECRYPTION_FAILED')
      const other = cipherByUri(keyLength === 16 ? '#aes256-cbc' : '#aes128-cbc')!
      expect(otpErrorOf(() => keys.decrypt(other, random.bytes(48))).message).toMatch(/the key is \d+ bytes/)
    }
  })
})

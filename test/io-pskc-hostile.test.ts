/**
 * Hostile PSKC files: each must end in a typed OtpError or an answer, bounded in time and memory,
 * never a crash, a hang, an entity expansion or a file read.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { OtpError } from '../src/index.js'
import { MAX_DEPTH, MAX_ELEMENT_TEXT, MAX_ELEMENTS_PER_PACKAGE, MAX_PSKC_BYTES, parsePskc, parsePskcStream } from '../src/io/formats.js'

const fixture = (name: string): string => readFileSync(new URL(`./vectors/pskc/${name}`, import.meta.url), 'utf8')
const FIGURE6_KEY = Buffer.from('12345678901234567890123456789012', 'hex')
const SECRET_BASE64 = 'MTIzNDU2Nzg5MDEyMzQ1Njc4OTA='

function pskcError(xml: string | Uint8Array, options: Parameters<typeof parsePskc>[1] = {}): OtpError {
  try {
    parsePskc(xml, options)
  } catch (error) {
    expect(error).toBeInstanceOf(OtpError)
    return error as OtpError
  }
  throw new Error('parsePskc accepted a hostile file')
}

const keyPackage = (i: number): string =>
  `<KeyPackage><DeviceInfo><SerialNo>${i}</SerialNo></DeviceInfo><Key Id="k${i}" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp">` +
  `<AlgorithmParameters><ResponseFormat Length="6" Encoding="DECIMAL"/></AlgorithmParameters>` +
  `<Data><Secret><PlainValue>${SECRET_BASE64}</PlainValue></Secret><Counter><PlainValue>${i}</PlainValue></Counter></Data></Key></KeyPackage>\n`
const container = (body: string): string =>
  `<?xml version="1.0"?>\n<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">${body}</KeyContainer>`

describe('parsePskc on hostile files', () => {
  it('a truncated file is INVALID_PSKC, wherever it is cut', () => {
    const xml = fixture('rfc6030-figure6.pskcxml')
    for (let cut = 1; cut < xml.length - 20; cut += 97) {
      expect(pskcError(xml.slice(0, cut), { key: FIGURE6_KEY }).code).toBe('INVALID_PSKC')
    }
    expect(pskcError('').code).toBe('INVALID_PSKC')
  })

  it('billion laughs: the DOCTYPE is refused before any entity is declared, let alone expanded', () => {
    const lol = ['<!ENTITY lol0 "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`)].join(
      '',
    )
    const error = pskcError(`<?xml version="1.0"?><!DOCTYPE KeyContainer [${lol}]>${container('<Issuer>&lol9;</Issuer>')}`)
    expect(error.code).toBe('INVALID_PSKC')
    expect(error.message).toMatch(/DOCTYPE is not allowed/)
  })

  it('an external entity is never resolved: the DOCTYPE is refused, and an undeclared entity too', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE KeyContainer [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${container(keyPackage(1).replace('<SerialNo>1', '<SerialNo>&xxe;'))}`
    const error = pskcError(xxe)
    expect(error.message).toMatch(/DOCTYPE/)
    expect(error.message).not.toContain('root:')
    const undeclared = pskcError(container(keyPackage(1).replace('<SerialNo>1', '<SerialNo>&xxe;')))
    expect(undeclared.code).toBe('INVALID_PSKC')
    expect(undeclared.message).toMatch(/undefined entity/)
  })

  it('a huge base64 value is refused at MAX_ELEMENT_TEXT, as is an over-long document', () => {
    const huge = container(keyPackage(1).replace(SECRET_BASE64, 'QUFB'.repeat(1_000_000)))
    const error = pskcError(huge)
    expect(error.code).toBe('INVALID_PSKC')
    expect(error.message).toContain(`longer than ${MAX_ELEMENT_TEXT} characters`)
    // Zero-filled, so the 256 MiB are never written: the size is checked before anything is read.
    expect(pskcError(new Uint8Array(MAX_PSKC_BYTES + 1)).message).toMatch(/above the limit/)
  })

  it('deep nesting and packages of endless elements are refused', () => {
    expect(pskcError(container(`${'<a>'.repeat(MAX_DEPTH + 10)}${'</a>'.repeat(MAX_DEPTH + 10)}`)).message).toMatch(/nested more than/)
    expect(pskcError(container(`<KeyPackage>${'<x/>'.repeat(MAX_ELEMENTS_PER_PACKAGE + 1)}</KeyPackage>`)).message).toMatch(
      /more than 10000 elements/,
    )
  })

  it('100,000 key packages: all read, in order', () => {
    const count = 100_000
    const parts: string[] = []
    for (let i = 0; i < count; i++) parts.push(keyPackage(i))
    const tokens = parsePskc(container(parts.join('')))
    expect(tokens).toHaveLength(count)
    expect(tokens[count - 1]).toMatchObject({ serial: String(count - 1), counter: count - 1, id: `k${count - 1}` })
  })

  it('an absurd PBKDF2 iteration count is refused before any work', () => {
    const xml = fixture('rfc6030-figure7.pskcxml').replace('<IterationCount>1000<', '<IterationCount>4294967295<')
    expect(pskcError(xml, { password: 'qwerty' }).message).toMatch(/IterationCount from 1 to 10000000/)
  })

  it('wrong MAC: DECRYPTION_FAILED, and no secret, key or password in any message', () => {
    const xml = fixture('rfc6030-figure7.pskcxml').replace('LP6xMvjtypbfT9PdkJhBZ+D6O4w=', 'AP6xMvjtypbfT9PdkJhBZ+D6O4w=')
    const error = pskcError(xml, { password: 'qwerty' })
    expect(error.code).toBe('DECRYPTION_FAILED')
    for (const secret of ['qwerty', '12345678901234567890', SECRET_BASE64]) expect(error.message).not.toContain(secret)
  })

  it('bytes that are not UTF-8, and text that is not XML, are INVALID_PSKC', () => {
    expect(pskcError(new Uint8Array([0x3c, 0xff, 0xfe, 0x3e])).message).toMatch(/UTF-8/)
    expect(pskcError('not xml at all').code).toBe('INVALID_PSKC')
    expect(pskcError(container('') + '<KeyContainer/>').code).toBe('INVALID_PSKC')
  })

  it('base64 is read strictly: exactly what RFC 4648 section 4 allows (whitespace aside), decoded as Buffer.from does', () => {
    const strict = /^[A-Za-z0-9+/]+={0,2}$/
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...'AQgw+/9z=*- \n\u00e9'), { maxLength: 14 }), (chars) => {
        const text = chars.join('')
        const compact = text.replace(/\s+/g, '')
        const valid = compact.length % 4 === 0 && strict.test(compact)
        const xml = container(keyPackage(1).replace(SECRET_BASE64, text))
        let secret: Uint8Array | undefined
        let message = ''
        try {
          secret = parsePskc(xml)[0]!.secret
        } catch (error) {
          message = (error as OtpError).message
        }
        expect(/Secret PlainValue: expected base64/.test(message), text).toBe(!valid)
        if (secret !== undefined) expect(Buffer.from(secret).toString('hex')).toBe(Buffer.from(compact, 'base64').toString('hex'))
      }),
      { numRuns: 3000 },
    )
  })

  it('UTF-8 fed in pieces: a character cut between pieces is read whole, a broken or unfinished one is refused', async () => {
    const bytes = Buffer.from(container(keyPackage(1)).replace('<SerialNo>1', '<SerialNo>\u00e9\u20ac\u{1f642}'))
    const drain = async (pieces: Uint8Array[]): Promise<unknown> => {
      try {
        const tokens = []
        for await (const token of parsePskcStream(pieces)) tokens.push(token)
        return tokens
      } catch (error) {
        return error
      }
    }
    // Every cut, one byte at a time around the characters included.
    for (let cut = 1; cut < bytes.length; cut++) {
      const tokens = (await drain([bytes.subarray(0, cut), bytes.subarray(cut)])) as Array<{ serial?: string }>
      expect(tokens[0]?.serial).toBe('\u00e9\u20ac\u{1f642}')
    }
    const at = bytes.indexOf(0xf0) // the first byte of the 4-byte character
    const broken = Buffer.from(bytes)
    broken[at + 2] = 0x41 // a continuation byte replaced
    for (const cut of [at + 1, at + 2, at + 3]) {
      const error = await drain([broken.subarray(0, cut), broken.subarray(cut)])
      expect((error as OtpError).message).toMatch(/UTF-8/)
    }
    // The document ends inside a character.
    expect(((await drain([bytes.subarray(0, at + 2)])) as OtpError).message).toMatch(/UTF-8/)
  })

  it('random corruption of an encrypted file: a typed error or tokens, never anything else', () => {
    const xml = fixture('rfc6030-figure7.pskcxml')
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(xml.length - 1), fc.integer({ min: 32, max: 126 })), { minLength: 1, maxLength: 4 }),
        (edits) => {
          const chars = [...xml]
          for (const [at, code] of edits) chars[at] = String.fromCharCode(code)
          try {
            const tokens = parsePskc(chars.join(''), { password: 'qwerty' })
            for (const token of tokens) expect(token.secret.length).toBeGreaterThan(0)
          } catch (error) {
            expect(error).toBeInstanceOf(OtpError)
            expect(['INVALID_PSKC', 'DECRYPTION_FAILED', 'INVALID_OPTIONS']).toContain((error as OtpError).code)
            expect((error as OtpError).message).not.toContain('qwerty')
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})

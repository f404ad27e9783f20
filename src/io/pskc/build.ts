/**
 * Writes RFC 6030 PSKC files: what token vendors and identity providers exchange. The output
 * follows the PSKC schema's element order (so `pskctool --validate` accepts it) and reads back with
 * parsePskc, python-pskc and other RFC 6030 readers.
 */
import { OtpError, describe } from '../../core/errors.js'
import { checkToken, type Token } from '../token.js'
import { cipherForKeyLength, encrypt, hmac, HMAC_SHA256, PBKDF2_URI, pbkdf2, random, type Cipher } from './crypto.js'

/** PBKDF2 iterations when buildPskc is given a password and no `iterations`. */
export const DEFAULT_PBKDF2_ITERATIONS = 200_000
/** The fewest PBKDF2 iterations buildPskc writes (RFC 6030 Figure 7 uses 1,000; more is better). */
export const MIN_PBKDF2_ITERATIONS = 1_000

/** The largest counter a PSKC file holds: the schema types Counter as xs:long. */
export const MAX_PSKC_COUNTER = (1n << 63n) - 1n

/** How buildPskc protects the secrets: a password, a pre-shared key, or (neither) not at all. */
export interface BuildPskcOptions {
  /** Encrypt under a key derived from this password: PBKDF2-HMAC-SHA256, a random 16-byte salt, AES-256-CBC. */
  password?: string
  /** PBKDF2 iterations with `password`: default DEFAULT_PBKDF2_ITERATIONS (200,000), at least 1,000. */
  iterations?: number
  /** Encrypt under this pre-shared key: 16, 24 or 32 bytes, for AES-128, -192 or -256-CBC. */
  key?: Uint8Array
  /** The name written in `<ds:KeyName>` for a pre-shared key, so the reader knows which one: default 'Pre-shared-key'. */
  keyName?: string
}

const NAMESPACES = [
  'xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc"',
  'xmlns:ds="http://www.w3.org/2000/09/xmldsig#"',
  'xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"',
  'xmlns:xenc11="http://www.w3.org/2009/xmlenc11#"',
  'xmlns:pkcs5="http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#"',
].join(' ')

/** Code points XML 1.0 cannot carry, even escaped. */
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- matching the control characters XML forbids is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Writes tokens as an RFC 6030 PSKC file.
 *
 * With `password`, the secrets are encrypted with AES-256-CBC under a PBKDF2-HMAC-SHA256 key (random
 * salt, DEFAULT_PBKDF2_ITERATIONS); with `key`, under that pre-shared key (RFC 6030 section 6.1).
 * Either way each secret carries a `<ValueMAC>` (HMAC-SHA256 under a random MAC key, itself
 * encrypted in `<MACKey>`), so a reader detects a wrong key or a tampered file before using it.
 * With neither option the secrets are written in plain base64 (`<PlainValue>`): anyone who reads
 * the file can then make codes, so keep such a file as secret as the tokens themselves.
 *
 * Each token becomes one KeyPackage: DeviceInfo (manufacturer, serial), the Key (Id: the token's
 * `id`, else its 1-based position), issuer, Suite (HMAC-SHA1/256/512), ResponseFormat (digits,
 * DECIMAL), the secret, Counter (HOTP) or TimeInterval and TimeDrift (TOTP), and the account as
 * the Key's UserId.
 *
 * @throws OtpError INVALID_OPTIONS (options, a name XML cannot carry, both password and key), and
 *   the codes of checkToken for a bad token.
 */
export function buildPskc(tokens: readonly Token[], options: BuildPskcOptions = {}): string {
  if (!Array.isArray(tokens)) {
    throw new OtpError('INVALID_OPTIONS', `buildPskc: expected an array of tokens, got ${describe(tokens)}`)
  }
  if (options === null || typeof options !== 'object') {
    throw new OtpError('INVALID_OPTIONS', `buildPskc: options must be an object, got ${describe(options)}`)
  }
  const checked = tokens.map((token, i) => {
    const result = checkToken(token, `buildPskc: tokens[${i}]`)
    if (result.counter !== undefined && BigInt(result.counter) > MAX_PSKC_COUNTER) {
      // The PSKC schema types Counter as xs:long.
      throw new OtpError('INVALID_COUNTER', `buildPskc: tokens[${i}]: a PSKC Counter is at most 2^63 - 1, got ${result.counter}`)
    }
    return result
  })
  const protection = protect(options)

  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<pskc:KeyContainer ${NAMESPACES} Version="1.0">`]
  if (protection !== undefined) out.push(protection.header)
  checked.forEach((token, i) => out.push(keyPackage(token, i, protection)))
  out.push('</pskc:KeyContainer>', '')
  return out.join('\n')
}

interface Protection {
  /** The EncryptionKey and MACMethod elements. */
  header: string
  /** Encrypts a value and writes its EncryptedValue and ValueMAC. */
  seal(plaintext: Uint8Array, indent: string): string
}

function protect(options: BuildPskcOptions): Protection | undefined {
  const { password, key, iterations, keyName } = options
  if (password !== undefined && key !== undefined) {
    throw new OtpError('INVALID_OPTIONS', 'buildPskc: pass options.password or options.key, not both')
  }
  let cipher: Cipher
  let encryptionKey: Uint8Array
  let keyElement: string
  if (password !== undefined) {
    if (typeof password !== 'string' || password === '') {
      throw new OtpError('INVALID_OPTIONS', `buildPskc: options.password must be a non-empty string, got ${describe(password)}`)
    }
    const rounds = iterations ?? DEFAULT_PBKDF2_ITERATIONS
    if (!Number.isSafeInteger(rounds) || rounds < MIN_PBKDF2_ITERATIONS) {
      throw new OtpError(
        'INVALID_OPTIONS',
        `buildPskc: options.iterations must be a whole number of at least ${MIN_PBKDF2_ITERATIONS}, got ${describe(rounds)}`,
      )
    }
    cipher = cipherForKeyLength(32)!
    const salt = random(16)
    encryptionKey = pbkdf2(password, salt, rounds, cipher.keyLength, HMAC_SHA256)
    keyElement = [
      '  <pskc:EncryptionKey>',
      '    <xenc11:DerivedKey>',
      `      <xenc11:KeyDerivationMethod Algorithm="${PBKDF2_URI}">`,
      '        <pkcs5:PBKDF2-params>',
      `          <Salt><Specified>${salt.toString('base64')}</Specified></Salt>`,
      `          <IterationCount>${rounds}</IterationCount>`,
      `          <KeyLength>${cipher.keyLength}</KeyLength>`,
      `          <PRF Algorithm="${HMAC_SHA256.uri}"/>`,
      '        </pkcs5:PBKDF2-params>',
      '      </xenc11:KeyDerivationMethod>',
      '    </xenc11:DerivedKey>',
      '  </pskc:EncryptionKey>',
    ].join('\n')
  } else if (key !== undefined) {
    const found = key instanceof Uint8Array ? cipherForKeyLength(key.length) : undefined
    if (found === undefined) {
      throw new OtpError(
        'INVALID_OPTIONS',
        `buildPskc: options.key must be a Uint8Array of 16, 24 or 32 bytes (AES-128, -192, -256), got ${describe(key)}`,
      )
    }
    cipher = found
    encryptionKey = new Uint8Array(key)
    keyElement = `  <pskc:EncryptionKey>\n    <ds:KeyName>${text(keyName ?? 'Pre-shared-key', 'options.keyName')}</ds:KeyName>\n  </pskc:EncryptionKey>`
  } else {
    if (iterations !== undefined) throw new OtpError('INVALID_OPTIONS', 'buildPskc: options.iterations needs options.password')
    return undefined
  }

  const macKey = random(32)
  const encryptedValue = (data: Uint8Array, indent: string, element: string): string =>
    [
      `${indent}<${element}>`,
      `${indent}  <xenc:EncryptionMethod Algorithm="${cipher.uri}"/>`,
      `${indent}  <xenc:CipherData>`,
      `${indent}    <xenc:CipherValue>${Buffer.from(data).toString('base64')}</xenc:CipherValue>`,
      `${indent}  </xenc:CipherData>`,
      `${indent}</${element}>`,
    ].join('\n')
  const header = [
    keyElement,
    `  <pskc:MACMethod Algorithm="${HMAC_SHA256.uri}">`,
    encryptedValue(encrypt(cipher, encryptionKey, macKey), '    ', 'pskc:MACKey'),
    '  </pskc:MACMethod>',
  ].join('\n')
  return {
    header,
    seal(plaintext, indent) {
      const data = encrypt(cipher, encryptionKey, plaintext)
      return `${encryptedValue(data, indent, 'pskc:EncryptedValue')}\n${indent}<pskc:ValueMAC>${hmac(HMAC_SHA256, macKey, data).toString('base64')}</pskc:ValueMAC>`
    },
  }
}

function keyPackage(token: Token, index: number, protection: Protection | undefined): string {
  const where = `tokens[${index}]`
  const lines = ['  <pskc:KeyPackage>']
  if (token.manufacturer !== undefined || token.serial !== undefined) {
    lines.push('    <pskc:DeviceInfo>')
    if (token.manufacturer !== undefined)
      lines.push(`      <pskc:Manufacturer>${text(token.manufacturer, `${where}.manufacturer`)}</pskc:Manufacturer>`)
    if (token.serial !== undefined) lines.push(`      <pskc:SerialNo>${text(token.serial, `${where}.serial`)}</pskc:SerialNo>`)
    lines.push('    </pskc:DeviceInfo>')
  }
  const id = text(token.id ?? String(index + 1), `${where}.id`)
  lines.push(`    <pskc:Key Id="${id}" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:${token.type}">`)
  if (token.issuer !== undefined) lines.push(`      <pskc:Issuer>${text(token.issuer, `${where}.issuer`)}</pskc:Issuer>`)
  lines.push(
    '      <pskc:AlgorithmParameters>',
    `        <pskc:Suite>HMAC-${token.algorithm}</pskc:Suite>`,
    `        <pskc:ResponseFormat Length="${token.digits}" Encoding="DECIMAL"/>`,
    '      </pskc:AlgorithmParameters>',
    '      <pskc:Data>',
    '        <pskc:Secret>',
    protection === undefined
      ? `          <pskc:PlainValue>${Buffer.from(token.secret).toString('base64')}</pskc:PlainValue>`
      : protection.seal(token.secret, '          '),
    '        </pskc:Secret>',
  )
  const plain = (name: string, value: number | bigint): string =>
    `        <pskc:${name}><pskc:PlainValue>${value}</pskc:PlainValue></pskc:${name}>`
  if (token.type === 'hotp') lines.push(plain('Counter', token.counter!))
  else {
    lines.push(plain('TimeInterval', token.period!))
    if (token.drift !== undefined) lines.push(plain('TimeDrift', token.drift))
  }
  lines.push('      </pskc:Data>')
  if (token.account !== '') lines.push(`      <pskc:UserId>${text(token.account, `${where}.account`)}</pskc:UserId>`)
  lines.push('    </pskc:Key>', '  </pskc:KeyPackage>')
  return lines.join('\n')
}

/** Escapes text for an element or a double-quoted attribute; refuses what XML 1.0 cannot carry. */
function text(value: string, what: string): string {
  if (typeof value !== 'string' || NOT_XML.test(value)) {
    throw new OtpError(
      'INVALID_OPTIONS',
      `buildPskc: ${what} has a character XML 1.0 cannot carry (a control character or a lone surrogate)`,
    )
  }
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

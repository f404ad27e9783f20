/**
 * Reads RFC 6030 PSKC files into tokens: plain files, and files whose values are encrypted with a
 * pre-shared key or a key derived from a password (PBKDF2), as section 6 describes.
 *
 * Lenient where real files differ harmlessly (namespace prefixes, a missing Key Id or ResponseFormat
 * Encoding, whitespace inside base64, a MACMethod without a MACKey as early drafts wrote), strict on
 * anything that would change a secret or a code: base64 with stray characters, an unknown algorithm,
 * hash or response encoding, a value given twice, an encrypted value without its MAC.
 */
import { OtpError, describe } from '../../core/errors.js'
import type { Algorithm } from '../../core/kernel.js'
import { readToken, type Token } from '../token.js'
import {
  cipherByUri,
  decrypt,
  fileKeys,
  HMAC_SHA1,
  macByUri,
  macEquals,
  pbkdf2,
  type Cipher,
  type FileKeys,
  type MacHash,
} from './crypto.js'
import { child, containerReader, invalid, readContainer, short, type ContainerHandlers, type XmlElement } from './xml.js'

/** The most key packages read from one file. */
export const MAX_KEY_PACKAGES = 1_000_000
/** The most PBKDF2 iterations a file may ask for: about ten seconds of work, once per file. */
export const MAX_PBKDF2_ITERATIONS = 10_000_000

/** How the secrets of a PSKC file are unlocked. */
export interface ParsePskcOptions {
  /** The password of a file encrypted with a PBKDF2-derived key (RFC 6030 section 6.2). */
  password?: string
  /**
   * The pre-shared key of a file encrypted with one (RFC 6030 section 6.1): 16, 24 or 32 bytes for
   * AES-128, -192 or -256. For a PBKDF2 file, the derived key itself (when no password is given).
   */
  key?: Uint8Array
}

/**
 * The tokens of a PSKC file, in file order. `signed` says whether the container carries an XML
 * Signature (RFC 6030 section 7); the signature is NOT verified here: check it with a tool that
 * verifies XML signatures (`pskctool --verify`, `xmlsec1 --verify`) when its origin matters.
 */
export type PskcTokens = Token[] & { signed: boolean }

const KEY_ALGORITHM = /^urn:ietf:params:xml:ns:keyprov:pskc[:#](hotp|totp|pin)$/i

type Encryption =
  { kind: 'pre-shared'; keyName?: string } | { kind: 'pbkdf2'; salt: Uint8Array; iterations: number; keyLength?: number; prf: MacHash }

/**
 * Reads the tokens of an RFC 6030 PSKC file.
 *
 * - Keys: HOTP and TOTP (`urn:ietf:params:xml:ns:keyprov:pskc:hotp` / `:totp`); PIN keys (`:pin`,
 *   RFC 6030 Figure 5) protect another key and are not tokens, so they are skipped; any other key
 *   algorithm is refused. The hash comes from `<Suite>` (HMAC-SHA1, the default, HMAC-SHA256 or
 *   HMAC-SHA512), the digits from `<ResponseFormat Length>` (6 without a ResponseFormat), the HOTP
 *   counter from `<Counter>` (0 without one), the TOTP period from `<TimeInterval>` (30 without one),
 *   `drift` from `<TimeDrift>`; `account` is the Key's `<UserId>`, else the DeviceInfo's, else '';
 *   `issuer`, `serial`, `manufacturer` and `id` come from `<Issuer>`, `<SerialNo>`, `<Manufacturer>`
 *   and the Key's `Id`. `<Time>` (the token's clock at provisioning) is not read. A PINPolicy whose
 *   PINUsageMode is not Local (the PIN sent with the code) is refused: a Token cannot express it.
 * - Encryption: AES-128/192/256-CBC under a pre-shared key (`options.key`) or a PBKDF2 key
 *   (`options.password`; salt, iteration count, key length and PRF from the file, at most
 *   MAX_PBKDF2_ITERATIONS). Every encrypted value must carry a `<ValueMAC>`, the HMAC (SHA1, SHA224,
 *   SHA256, SHA384 or SHA512, from `<MACMethod>`) of its IV and ciphertext under the file's MAC key
 *   (`<MACKey>`, itself encrypted under the encryption key); it is checked before the value is
 *   decrypted or used. The MAC cannot tell a wrong password or key from a tampered file, so both
 *   are DECRYPTION_FAILED.
 * - Limits: MAX_PSKC_BYTES (256 MiB), MAX_KEY_PACKAGES, MAX_ELEMENT_TEXT per element,
 *   MAX_ELEMENTS_PER_PACKAGE, MAX_DEPTH; no DOCTYPE (so no entity expansion of any kind).
 * - The file is read as a stream of key packages: memory holds the tokens, not the document tree.
 *
 * @returns the tokens, with `signed` set on the array (see PskcTokens).
 * @throws OtpError INVALID_PSKC (malformed document, unsupported algorithm, a value out of range:
 *   naming the element and the key package), DECRYPTION_FAILED (wrong password or key, or a
 *   tampered file), INVALID_OPTIONS (the file is encrypted and the needed password or key is
 *   missing). No message contains a secret, a key or a password.
 */
export function parsePskc(xml: string | Uint8Array, options: ParsePskcOptions = {}): PskcTokens {
  const tokens = [] as unknown as PskcTokens
  const reader = pskcReader(options, (token) => tokens.push(token))
  readContainer(xml, reader.handlers)
  tokens.signed = reader.signed()
  return tokens
}

/**
 * parsePskc over a document that arrives in pieces (a file stream, an HTTP body): each token is
 * yielded as soon as its key package has closed, so memory holds one key package, not the file nor
 * its tokens. Pieces are strings or UTF-8 bytes of any size; the limits of parsePskc apply, with
 * MAX_PSKC_BYTES counted over all pieces.
 *
 * The generator's return value says whether the container was signed (an enveloped XML Signature
 * comes after the key packages, so this is known only at the end); `for await` ignores it.
 *
 * @example for await (const token of parsePskcStream(createReadStream('tokens.pskcxml'), { password })) enroll(token)
 * @throws OtpError as parsePskc does, from the iteration, once the piece that has the fault arrives.
 */
export async function* parsePskcStream(
  source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options: ParsePskcOptions = {},
): AsyncGenerator<Token, { signed: boolean }, undefined> {
  let ready: Token[] = []
  const reader = pskcReader(options, (token) => ready.push(token))
  const xml = containerReader(reader.handlers)
  // A piece that holds a fault may also hold whole key packages before it: those are yielded first,
  // so that every token before the fault reaches the caller, then the fault is thrown.
  let fault: unknown
  for await (const piece of source) {
    try {
      xml.write(piece)
    } catch (error) {
      fault = error
    }
    const batch = ready
    ready = []
    yield* batch
    if (fault !== undefined) throw fault
  }
  try {
    xml.close()
  } catch (error) {
    fault = error
  }
  yield* ready
  if (fault !== undefined) throw fault
  return { signed: reader.signed() }
}

/** The PSKC semantics over a container reader's events: keys, encryption, MAC, and each token to `emit`. */
function pskcReader(options: ParsePskcOptions, emit: (token: Token) => void): { handlers: ContainerHandlers; signed: () => boolean } {
  if (options === null || typeof options !== 'object') {
    throw new OtpError('INVALID_OPTIONS', `parsePskc: options must be an object, got ${describe(options)}`)
  }
  const { password, key } = options
  if (password !== undefined && typeof password !== 'string') {
    throw new OtpError('INVALID_OPTIONS', `parsePskc: options.password must be a string, got ${describe(password)}`)
  }
  if (key !== undefined && !(key instanceof Uint8Array)) {
    throw new OtpError('INVALID_OPTIONS', `parsePskc: options.key must be a Uint8Array, got ${describe(key)}`)
  }

  let signed = false
  let encryption: Encryption | undefined
  let macMethod: { hash: MacHash; encryptedKey?: XmlElement } | undefined
  /** The encryption and MAC keys, derived or decrypted at the first encrypted value, prepared for every value. */
  let keys: FileKeys | undefined
  let packages = 0

  /** `cipher`: the first encrypted value's, whose key length a PBKDF2 key takes when the file gives none. */
  const unlock = (where: string, cipher: Cipher): FileKeys => {
    if (keys !== undefined) return keys
    if (encryption === undefined) throw invalid(`${where}: an encrypted value, but the file has no EncryptionKey`)
    if (macMethod === undefined) {
      throw invalid(`${where}: an encrypted value, but the file has no MACMethod: it cannot be checked before use`)
    }
    const encryptionKey = encryptionKeyOf(encryption, password, key, cipher.keyLength)
    let macKey = encryptionKey
    if (macMethod.encryptedKey !== undefined) {
      const { cipher, data } = encryptedData(macMethod.encryptedKey, 'MACMethod')
      try {
        macKey = decrypt(cipher, encryptionKey, data)
      } catch (error) {
        throw new OtpError('DECRYPTION_FAILED', 'parsePskc: the MACKey does not decrypt: a wrong password or key, or a tampered file', {
          cause: error,
        })
      }
    }
    keys = fileKeys(encryptionKey, macKey, macMethod.hash)
    return keys
  }

  /** The bytes of a Data value (Secret, Counter, ...): plain base64 or text, or decrypted after its MAC passes. */
  const valueBytes = (element: XmlElement, where: string): { plain: string } | { bytes: Uint8Array } => {
    const plain = child(element, 'PlainValue', where)
    const encrypted = child(element, 'EncryptedValue', where)
    if ((plain === undefined) === (encrypted === undefined)) {
      throw invalid(`${where}: ${element.name} needs exactly one of PlainValue and EncryptedValue`)
    }
    if (plain !== undefined) return { plain: plain.text }
    const { cipher, data } = encryptedData(encrypted!, `${where}: ${element.name}`)
    const macElement = child(element, 'ValueMAC', where)
    if (macElement === undefined) {
      throw invalid(`${where}: the encrypted ${element.name} has no ValueMAC: it cannot be checked before use`)
    }
    const given = base64(macElement.text, `${where}: ${element.name} ValueMAC`)
    const unlocked = unlock(where, cipher)
    if (!macEquals(unlocked.mac(data), given)) {
      throw new OtpError(
        'DECRYPTION_FAILED',
        `parsePskc: ${where}: the MAC of the encrypted ${element.name} does not match: a wrong password or key, or a tampered file`,
      )
    }
    return { bytes: unlocked.decrypt(cipher, data) }
  }

  const readKeyPackage = (element: XmlElement, index: number): void => {
    let where = `KeyPackage ${index}`
    const keyElement = child(element, 'Key', where)
    if (keyElement === undefined) return // a package may describe a device alone
    const id = keyElement.attributes.Id ?? keyElement.attributes.KeyId
    if (id !== undefined) where += ` (Key Id ${short(id)})`

    const algorithmUri = keyElement.attributes.Algorithm?.trim()
    if (algorithmUri === undefined) throw invalid(`${where}: the Key has no Algorithm, so HOTP and TOTP cannot be told apart`)
    const kind = KEY_ALGORITHM.exec(algorithmUri)?.[1]?.toLowerCase()
    if (kind === undefined) throw invalid(`${where}: unsupported key Algorithm ${short(algorithmUri)} (expected pskc:hotp or pskc:totp)`)
    if (kind === 'pin') return
    const type = kind as 'hotp' | 'totp'

    const fields: Partial<Token> = { type, account: '' }
    const device = child(element, 'DeviceInfo', where)
    // Plain calls rather than closures made for each key package: a file has a hundred thousand.
    fields.account = childText(keyElement, 'UserId', where) ?? childText(device, 'UserId', where) ?? ''
    setIf(fields, 'issuer', childText(keyElement, 'Issuer', where))
    setIf(fields, 'serial', childText(device, 'SerialNo', where))
    setIf(fields, 'manufacturer', childText(device, 'Manufacturer', where))
    setIf(fields, 'id', id)

    const parameters = child(keyElement, 'AlgorithmParameters', where)
    fields.algorithm = suiteAlgorithm(parameters === undefined ? undefined : textOf(child(parameters, 'Suite', where)), where)
    fields.digits = responseDigits(parameters === undefined ? undefined : child(parameters, 'ResponseFormat', where), where)
    checkPinPolicy(keyElement, where)

    const data = child(keyElement, 'Data', where)
    const secretElement = data === undefined ? undefined : child(data, 'Secret', where)
    if (secretElement === undefined) throw invalid(`${where}: the Key has no Data/Secret`)
    const secret = valueBytes(secretElement, where)
    fields.secret = 'bytes' in secret ? secret.bytes : base64(secret.plain, `${where}: Secret PlainValue`)

    if (type === 'hotp') {
      fields.counter = integer(data, 'Counter', false, where) ?? 0n
    } else {
      const interval = integer(data, 'TimeInterval', false, where)
      if (interval !== undefined) fields.period = safeNumber(interval, `${where}: TimeInterval`)
      const drift = integer(data, 'TimeDrift', true, where)
      if (drift !== undefined) fields.drift = safeNumber(drift, `${where}: TimeDrift`)
    }
    emit(readToken(fields, 'INVALID_PSKC', `parsePskc: ${where}`))
  }

  /** An integer Data value (Counter, TimeInterval, TimeDrift), if the Data has it. */
  function integer(data: XmlElement | undefined, name: string, signed: boolean, where: string): bigint | undefined {
    const valueElement = data === undefined ? undefined : child(data, name, where)
    if (valueElement === undefined) return undefined
    return integerValue(valueBytes(valueElement, where), signed, `${where}: ${name}`)
  }

  const handlers: ContainerHandlers = {
    signature() {
      signed = true
    },
    child(element) {
      switch (element.name) {
        case 'KeyPackage':
          if (++packages > MAX_KEY_PACKAGES) throw invalid(`the file holds more than ${MAX_KEY_PACKAGES} key packages`)
          readKeyPackage(element, packages)
          return
        case 'EncryptionKey':
          if (encryption !== undefined) throw invalid('the KeyContainer has more than one EncryptionKey')
          encryption = readEncryptionKey(element)
          return
        case 'MACMethod': {
          if (macMethod !== undefined) throw invalid('the KeyContainer has more than one MACMethod')
          const uri = element.attributes.Algorithm ?? ''
          const hash = macByUri(uri)
          if (hash === undefined)
            throw invalid(`MACMethod: unsupported Algorithm ${short(uri)} (expected hmac-sha1, -sha224, -sha256, -sha384 or -sha512)`)
          macMethod = { hash }
          const macKey = child(element, 'MACKey', 'MACMethod')
          if (macKey !== undefined) macMethod.encryptedKey = macKey
          return
        }
        default:
          return // other header elements (Id, DeviceInfo extensions, ...) carry nothing a token needs
      }
    },
  }
  return { handlers, signed: () => signed }
}

/** The encryption key: given (pre-shared, or an already derived PBKDF2 key) or derived from the password. */
function encryptionKeyOf(encryption: Encryption, password: string | undefined, key: Uint8Array | undefined, keyLength: number): Uint8Array {
  if (encryption.kind === 'pre-shared') {
    if (key === undefined) {
      const name = encryption.keyName === undefined ? '' : ` named ${short(encryption.keyName)}`
      throw new OtpError('INVALID_OPTIONS', `parsePskc: the file is encrypted with a pre-shared key${name}: pass it as options.key`)
    }
    return key
  }
  if (password !== undefined) {
    return pbkdf2(password, encryption.salt, encryption.iterations, encryption.keyLength ?? keyLength, encryption.prf)
  }
  if (key !== undefined) return key
  throw new OtpError('INVALID_OPTIONS', 'parsePskc: the file is encrypted with a password (PBKDF2): pass it as options.password')
}

function readEncryptionKey(element: XmlElement): Encryption {
  const where = 'EncryptionKey'
  const derived = child(element, 'DerivedKey', where)
  if (derived === undefined) {
    if (child(element, 'X509Data', where) !== undefined) {
      throw invalid(`${where}: asymmetric (X509Data) encryption is not supported, only a pre-shared key or PBKDF2`)
    }
    const keyName = child(element, 'KeyName', where)?.text
    return keyName === undefined ? { kind: 'pre-shared' } : { kind: 'pre-shared', keyName }
  }
  const method = child(derived, 'KeyDerivationMethod', where)
  const uri = method?.attributes.Algorithm?.trim() ?? ''
  if (method === undefined || !uri.toLowerCase().endsWith('#pbkdf2')) {
    throw invalid(`${where}: unsupported KeyDerivationMethod ${short(uri)} (expected PBKDF2)`)
  }
  const params = child(method, 'PBKDF2-params', where)
  if (params === undefined) throw invalid(`${where}: the PBKDF2 KeyDerivationMethod has no PBKDF2-params`)
  const salt = child(params, 'Salt', where)
  const specified = salt === undefined ? undefined : child(salt, 'Specified', where)
  if (specified === undefined) throw invalid(`${where}: PBKDF2-params needs a Salt/Specified value`)
  const iterations = decimal(child(params, 'IterationCount', where)?.text, `${where}: IterationCount`)
  if (iterations === undefined || iterations < 1n || iterations > BigInt(MAX_PBKDF2_ITERATIONS)) {
    throw invalid(`${where}: expected an IterationCount from 1 to ${MAX_PBKDF2_ITERATIONS}`)
  }
  const keyLength = decimal(child(params, 'KeyLength', where)?.text, `${where}: KeyLength`)
  if (keyLength !== undefined && keyLength !== 16n && keyLength !== 24n && keyLength !== 32n) {
    throw invalid(`${where}: expected a KeyLength of 16, 24 or 32 bytes, got ${keyLength}`)
  }
  const prfUri = child(params, 'PRF', where)?.attributes.Algorithm?.trim()
  const prf = prfUri === undefined || prfUri === '' ? HMAC_SHA1 : macByUri(prfUri)
  if (prf === undefined) throw invalid(`${where}: unsupported PBKDF2 PRF ${short(prfUri!)}`)
  const result: Encryption = { kind: 'pbkdf2', salt: base64(specified.text, `${where}: Salt`), iterations: Number(iterations), prf }
  if (keyLength !== undefined) result.keyLength = Number(keyLength)
  return result
}

/** The cipher and IV || ciphertext of an EncryptedValue or MACKey. */
function encryptedData(element: XmlElement, where: string): { cipher: Cipher; data: Uint8Array } {
  const uri = child(element, 'EncryptionMethod', where)?.attributes.Algorithm?.trim() ?? ''
  const cipher = cipherByUri(uri)
  if (cipher === undefined) {
    throw invalid(`${where}: unsupported EncryptionMethod ${short(uri)} (expected aes128-cbc, aes192-cbc or aes256-cbc)`)
  }
  const cipherData = child(element, 'CipherData', where)
  const value = cipherData === undefined ? undefined : child(cipherData, 'CipherValue', where)
  if (value === undefined) throw invalid(`${where}: the encrypted value has no CipherData/CipherValue`)
  return { cipher, data: base64(value.text, `${where} CipherValue`) }
}

/** The hash of `<Suite>`: HMAC-SHA1 (also the default), HMAC-SHA256, HMAC-SHA512, in any common spelling. */
function suiteAlgorithm(suite: string | undefined, where: string): Algorithm {
  if (suite === undefined) return 'SHA1'
  const name = suite.toUpperCase().replace(/^HMAC/, '').replace(/[-_ ]/g, '')
  if (name === 'SHA1' || name === 'SHA256' || name === 'SHA512') return name
  throw invalid(`${where}: unsupported Suite ${short(suite)} (expected HMAC-SHA1, HMAC-SHA256 or HMAC-SHA512)`)
}

/** Digits from `<ResponseFormat Length Encoding>`: decimal codes only, 6 when there is no ResponseFormat. */
function responseDigits(format: XmlElement | undefined, where: string): number {
  if (format === undefined) return 6
  const encoding = format.attributes.Encoding?.trim().toUpperCase()
  if (encoding !== undefined && encoding !== 'DECIMAL') {
    throw invalid(`${where}: unsupported ResponseFormat Encoding ${short(encoding)} (OTP codes are DECIMAL)`)
  }
  const length = decimal(format.attributes.Length, `${where}: ResponseFormat Length`)
  if (length === undefined) throw invalid(`${where}: the ResponseFormat has no Length`)
  return length > 100n ? 100 : Number(length) // readToken then refuses anything outside 6 to 10
}

/** A PIN that is sent with the code (Append, Prepend, Algorithmic) changes what a verifier checks: refused. */
function checkPinPolicy(keyElement: XmlElement, where: string): void {
  const policy = child(keyElement, 'Policy', where)
  const pin = policy === undefined ? undefined : child(policy, 'PINPolicy', where)
  const mode = pin?.attributes.PINUsageMode?.trim()
  if (mode !== undefined && mode !== 'Local') {
    throw invalid(
      `${where}: PINUsageMode ${short(mode)} combines a PIN with the code, which these tokens cannot express (only Local is supported)`,
    )
  }
}

/** An integer Data value: decimal text when plain; decrypted, ASCII digits or big-endian bytes (as python-pskc writes). */
function integerValue(value: { plain: string } | { bytes: Uint8Array }, signed: boolean, where: string): bigint {
  if ('plain' in value) {
    const parsed = decimal(value.plain, where, signed)
    if (parsed === undefined) throw invalid(`${where}: expected a PlainValue`)
    return parsed
  }
  const bytes = value.bytes
  if (bytes.length === 0 || bytes.length > 8) throw invalid(`${where}: an encrypted integer of ${bytes.length} bytes (expected 1 to 8)`)
  if (bytes.every((byte) => byte >= 0x30 && byte <= 0x39)) return BigInt(String.fromCharCode(...bytes))
  let result = 0n
  for (const byte of bytes) result = (result << 8n) | BigInt(byte)
  return result
}

function decimal(text: string | undefined, where: string, signed = false): bigint | undefined {
  if (text === undefined) return undefined
  const trimmed = text.trim()
  if (!(signed ? /^[-+]?\d{1,20}$/ : /^\+?\d{1,20}$/).test(trimmed)) {
    throw invalid(`${where}: expected ${signed ? 'an integer' : 'a whole number'}, got ${short(trimmed.slice(0, 24))}`)
  }
  return BigInt(trimmed)
}

function safeNumber(value: bigint, where: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw invalid(`${where}: ${value} is out of range`)
  }
  return Number(value)
}

const WHITESPACE = /\s/
/** The value of each base64 character (RFC 4648 section 4), -1 for any other. */
const BASE64_VALUES = new Int8Array(128).fill(-1)
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) BASE64_VALUES[c.charCodeAt(0)] = i

/**
 * Strict base64 (RFC 4648 section 4), whitespace allowed anywhere: a stray character must not
 * change a secret (Buffer.from would skip it). Decoded here, in one pass that also checks it: two
 * values per key of a large file, where Buffer.from and a regular expression cost more than this.
 */
function base64(text: string, where: string): Uint8Array {
  const compact = WHITESPACE.test(text) ? text.replace(/\s+/g, '') : text
  const length = compact.length
  const pad = compact.charCodeAt(length - 1) === 0x3d ? (compact.charCodeAt(length - 2) === 0x3d ? 2 : 1) : 0
  if (length === 0 || length % 4 !== 0) throw invalid(`${where}: expected base64 (RFC 4648 section 4)`)
  const out = Buffer.alloc((length / 4) * 3 - pad)
  let bits = 0
  let at = 0
  for (let i = 0; i < length - pad; i++) {
    const code = compact.charCodeAt(i)
    const value = code < 128 ? BASE64_VALUES[code]! : -1
    if (value < 0) throw invalid(`${where}: expected base64 (RFC 4648 section 4)`)
    bits = (bits << 6) | value
    if ((i & 3) === 3) {
      out[at++] = bits >>> 16
      out[at++] = (bits >>> 8) & 0xff
      out[at++] = bits & 0xff
      bits = 0
    }
  }
  // The last group, short of its padding: 2 characters make a byte, 3 make two.
  if (pad === 2) out[at] = bits >>> 4
  else if (pad === 1) {
    out[at++] = bits >>> 10
    out[at] = (bits >>> 2) & 0xff
  }
  return out
}

/** The text of the child `name` of `element`, if both exist and the text is not empty. */
function childText(element: XmlElement | undefined, name: string, where: string): string | undefined {
  return element === undefined ? undefined : textOf(child(element, name, where))
}

function textOf(element: XmlElement | undefined): string | undefined {
  return element === undefined || element.text === '' ? undefined : element.text
}

function setIf<K extends 'issuer' | 'serial' | 'manufacturer' | 'id'>(fields: Partial<Token>, name: K, value: string | undefined): void {
  if (value !== undefined && value !== '') fields[name] = value
}

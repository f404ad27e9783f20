/**
 * The cryptography of RFC 6030 section 6, over node:crypto: AES-CBC as XML Encryption writes it
 * (the IV in front of the ciphertext), the HMAC of each encrypted value, and PBKDF2 (RFC 8018) for
 * password-protected files. Algorithms are named in PSKC files by URI; only the fragment after '#'
 * tells them apart, so that is what the tables below are keyed by.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hash as digestOf,
  pbkdf2Sync,
  randomBytes,
  timingSafeEqual,
  type Decipher,
} from 'node:crypto'
import { OtpError } from '../../core/errors.js'

/** An AES-CBC cipher of XML Encryption (https://www.w3.org/TR/xmlenc-core1/ section 5.2.2). */
export interface Cipher {
  /** The URI a PSKC file names it by. */
  uri: string
  /** node:crypto's name for it. */
  name: 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc'
  keyLength: 16 | 24 | 32
}

/** An HMAC hash, as used for the MAC of encrypted values and as the PBKDF2 pseudorandom function. */
export interface MacHash {
  uri: string
  /** node:crypto's name for the hash. */
  name: 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512'
}

const XMLENC = 'http://www.w3.org/2001/04/xmlenc#'
const XMLDSIG = 'http://www.w3.org/2000/09/xmldsig#'
const XMLDSIG_MORE = 'http://www.w3.org/2001/04/xmldsig-more#'

/** The PBKDF2 key derivation method (RFC 8018, as PKCS #5 v2.0 names it in XML). */
export const PBKDF2_URI = 'http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#pbkdf2'

const CIPHERS: Record<string, Cipher> = {
  'aes128-cbc': { uri: `${XMLENC}aes128-cbc`, name: 'aes-128-cbc', keyLength: 16 },
  'aes192-cbc': { uri: `${XMLENC}aes192-cbc`, name: 'aes-192-cbc', keyLength: 24 },
  'aes256-cbc': { uri: `${XMLENC}aes256-cbc`, name: 'aes-256-cbc', keyLength: 32 },
}

const MAC_HASHES: Record<string, MacHash> = {
  'hmac-sha1': { uri: `${XMLDSIG}hmac-sha1`, name: 'sha1' },
  'hmac-sha224': { uri: `${XMLDSIG_MORE}hmac-sha224`, name: 'sha224' },
  'hmac-sha256': { uri: `${XMLDSIG_MORE}hmac-sha256`, name: 'sha256' },
  'hmac-sha384': { uri: `${XMLDSIG_MORE}hmac-sha384`, name: 'sha384' },
  'hmac-sha512': { uri: `${XMLDSIG_MORE}hmac-sha512`, name: 'sha512' },
}

/** The AES block, and so the IV, in bytes. */
const BLOCK = 16

function fragment(uri: string): string {
  return uri
    .slice(uri.lastIndexOf('#') + 1)
    .trim()
    .toLowerCase()
}

/** The cipher a PSKC file names, or undefined if it is not one we support. */
export function cipherByUri(uri: string): Cipher | undefined {
  return CIPHERS[fragment(uri)]
}

/** The cipher of a key of this length (16, 24 or 32 bytes), or undefined. */
export function cipherForKeyLength(length: number): Cipher | undefined {
  return Object.values(CIPHERS).find((cipher) => cipher.keyLength === length)
}

/** The HMAC a PSKC file names (MACMethod, PBKDF2 PRF), or undefined if it is not one we support. */
export function macByUri(uri: string): MacHash | undefined {
  return MAC_HASHES[fragment(uri)]
}

export const HMAC_SHA1 = MAC_HASHES['hmac-sha1']!
export const HMAC_SHA256 = MAC_HASHES['hmac-sha256']!

/**
 * Decrypts IV || ciphertext. The padding is XML Encryption's: the last byte says how many bytes to
 * drop (the others are arbitrary), so OpenSSL's stricter PKCS#7 check is not used.
 *
 * @throws OtpError DECRYPTION_FAILED when the length or the padding is wrong (a wrong key, once the
 *   MAC has passed, is the only way there).
 */
export function decrypt(cipher: Cipher, key: Uint8Array, data: Uint8Array): Buffer {
  checkDecryption(cipher, key, data)
  const decipher = createDecipheriv(cipher.name, key, data.subarray(0, BLOCK))
  decipher.setAutoPadding(false)
  return unpad(Buffer.concat([decipher.update(data.subarray(BLOCK)), decipher.final()]))
}

function checkDecryption(cipher: Cipher, key: Uint8Array, data: Uint8Array): void {
  if (key.length !== cipher.keyLength) {
    throw new OtpError(
      'DECRYPTION_FAILED',
      `parsePskc: the key is ${key.length} bytes, but ${fragment(cipher.uri)} needs ${cipher.keyLength}`,
    )
  }
  if (data.length < 2 * BLOCK || data.length % BLOCK !== 0) {
    throw new OtpError('DECRYPTION_FAILED', `parsePskc: an encrypted value of ${data.length} bytes is not an IV and whole AES blocks`)
  }
}

/** XML Encryption's padding: the last byte says how many to drop. */
function unpad(padded: Buffer): Buffer {
  const pad = padded[padded.length - 1]!
  if (pad < 1 || pad > BLOCK) throw new OtpError('DECRYPTION_FAILED', 'parsePskc: an encrypted value has invalid padding: wrong key')
  return padded.subarray(0, padded.length - pad)
}

/**
 * The keys of one file, prepared once for its thousands of values: a file has one encryption key
 * and one MAC key, so instead of a new decipher and a new HMAC per value (their set-up costs more
 * than the two blocks of a secret), the values share an AES-ECB decipher over the file's key, with
 * CBC's chaining done here, and an HMAC whose padded keys are computed once (RFC 2104: the two
 * hashes of H(K ^ opad || H(K ^ ipad || data)), each a one-shot digest).
 */
export interface FileKeys {
  /** The HMAC of `data` under the MAC key, as hmac() computes it. */
  mac(data: Uint8Array): Buffer
  /** decrypt() under the encryption key, with the same checks, errors and result. */
  decrypt(cipher: Cipher, data: Uint8Array): Buffer
}

/** Block sizes of the MAC hashes, in bytes: the length of HMAC's padded key. */
const HASH_BLOCK: Record<MacHash['name'], number> = { sha1: 64, sha224: 64, sha256: 64, sha384: 128, sha512: 128 }

export function fileKeys(encryptionKey: Uint8Array, macKey: Uint8Array, hash: MacHash): FileKeys {
  const block = HASH_BLOCK[hash.name]
  // A key longer than the block is hashed first (RFC 2104 section 2).
  const key = macKey.length > block ? digestOf(hash.name, macKey, 'buffer') : macKey
  const inner = Buffer.alloc(block, 0x36)
  const outer = Buffer.alloc(block, 0x5c)
  for (let i = 0; i < key.length; i++) {
    inner[i]! ^= key[i]!
    outer[i]! ^= key[i]!
  }
  /** pad || message, one buffer reused (grown when a longer value comes). */
  let scratch = Buffer.alloc(block + 128)
  const digest = (pad: Buffer, message: Uint8Array): Buffer => {
    if (scratch.length < block + message.length) scratch = Buffer.alloc(block + message.length)
    pad.copy(scratch, 0)
    scratch.set(message, block)
    return digestOf(hash.name, scratch.subarray(0, block + message.length), 'buffer')
  }
  const deciphers = new Map<Cipher['name'], Decipher>()
  return {
    mac: (data) => digest(outer, digest(inner, data)),
    decrypt(cipher, data) {
      checkDecryption(cipher, encryptionKey, data)
      let ecb = deciphers.get(cipher.name)
      if (ecb === undefined) {
        // Whole blocks without padding: ECB keeps nothing back between calls, so one object serves every value.
        ecb = createDecipheriv(cipher.name.replace('-cbc', '-ecb'), encryptionKey, null)
        ecb.setAutoPadding(false)
        deciphers.set(cipher.name, ecb)
      }
      // CBC: each decrypted block XOR the ciphertext block before it (the IV before the first).
      const padded = ecb.update(data.subarray(BLOCK))
      for (let i = 0; i < padded.length; i++) padded[i]! ^= data[i]!
      return unpad(padded)
    },
  }
}

/** Encrypts with a fresh random IV, PKCS#7 padding (which XML Encryption readers accept), IV || ciphertext. */
export function encrypt(cipher: Cipher, key: Uint8Array, plaintext: Uint8Array): Buffer {
  const iv = randomBytes(BLOCK)
  const encryptor = createCipheriv(cipher.name, key, iv)
  return Buffer.concat([iv, encryptor.update(plaintext), encryptor.final()])
}

export function hmac(hash: MacHash, key: Uint8Array, data: Uint8Array): Buffer {
  return createHmac(hash.name, key).update(data).digest()
}

/** Compares a MAC in constant time (for equal lengths; a length says nothing secret). */
export function macEquals(expected: Uint8Array, given: Uint8Array): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given)
}

/** PBKDF2 (RFC 8018 section 5.2). */
export function pbkdf2(password: string, salt: Uint8Array, iterations: number, keyLength: number, prf: MacHash): Buffer {
  return pbkdf2Sync(password, salt, iterations, keyLength, prf.name)
}

export function random(bytes: number): Buffer {
  return randomBytes(bytes)
}

/**
 * Secrets at rest: AES-GCM (NIST SP 800-38D) through node:crypto, with a key the caller provides.
 *
 * A sealed secret is `[format 1][key id 4][iv 12][ciphertext][tag 16]`. The additional data binds it
 * to its token id and to the exact text of the token's parameters, so a secret moved to another token,
 * or parameters edited in the store, fail to open instead of yielding wrong codes. The key id (a MAC
 * of a fixed label under the key) tells "sealed with another key" apart from "tampered with", and lets
 * a verifier hold old keys for opening while it seals with a new one.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  randomBytes,
  type CipherGCMTypes,
  type KeyObject,
} from 'node:crypto'
import { OtpError, describe } from '../core/errors.js'

const FORMAT = 1
const KEY_ID_BYTES = 4
const IV_BYTES = 12
const TAG_BYTES = 16
const HEADER_BYTES = 1 + KEY_ID_BYTES + IV_BYTES

/** A sealing key: 16, 24 or 32 bytes (AES-128, -192 or -256). */
export type SealingKey = Uint8Array

export interface Sealer {
  /** Encrypts a secret for the token `id` with parameters `params` (their stored text). */
  seal(id: string, params: string, secret: Uint8Array): Uint8Array
  /** Decrypts a sealed secret, or throws OtpError('DECRYPTION_FAILED'). The caller wipes the result after use. */
  open(id: string, params: string, sealed: Uint8Array): Uint8Array
}

interface KeyEntry {
  readonly key: KeyObject
  readonly cipher: CipherGCMTypes
  readonly id: Buffer
}

/**
 * A sealer over one key, or several: the first seals, any of them opens (for key rotation).
 * The key bytes are copied into KeyObjects; the caller may wipe its own copy.
 */
export function createSealer(keys: SealingKey | readonly SealingKey[]): Sealer {
  const list = Array.isArray(keys) ? keys : [keys]
  if (list.length === 0) throw new OtpError('INVALID_OPTIONS', 'key must hold at least one sealing key')
  const entries = list.map((key, i) => keyEntry(key, list.length > 1 ? `key[${i}]` : 'key'))
  const sealing = entries[0]!

  return {
    seal(id, params, secret) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv(sealing.cipher, sealing.key, iv, { authTagLength: TAG_BYTES })
      cipher.setAAD(additionalData(id, params))
      const body = Buffer.concat([cipher.update(secret), cipher.final()])
      const out = new Uint8Array(HEADER_BYTES + body.length + TAG_BYTES)
      out[0] = FORMAT
      out.set(sealing.id, 1)
      out.set(iv, 1 + KEY_ID_BYTES)
      out.set(body, HEADER_BYTES)
      out.set(cipher.getAuthTag(), HEADER_BYTES + body.length)
      return out
    },

    open(id, params, sealed) {
      if (sealed.length < HEADER_BYTES + 1 + TAG_BYTES || sealed[0] !== FORMAT) {
        throw new OtpError('DECRYPTION_FAILED', `token ${JSON.stringify(id)}: its sealed secret is not in a known format`)
      }
      const entry = entries.find((e) => sealedWith(e, sealed))
      if (entry === undefined) {
        throw new OtpError('DECRYPTION_FAILED', `token ${JSON.stringify(id)} was sealed with a different key: check the verifier's key`)
      }
      const decipher = createDecipheriv(entry.cipher, entry.key, sealed.subarray(1 + KEY_ID_BYTES, HEADER_BYTES), {
        authTagLength: TAG_BYTES,
      })
      decipher.setAAD(additionalData(id, params))
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES))
      // GCM is a stream mode: update() returns the whole plaintext and final() only checks the tag.
      // update() returns a fresh Buffer (never a pooled slice), so it is the caller's to wipe.
      const secret = decipher.update(sealed.subarray(HEADER_BYTES, sealed.length - TAG_BYTES))
      try {
        decipher.final()
      } catch (cause) {
        secret.fill(0)
        throw new OtpError(
          'DECRYPTION_FAILED',
          `token ${JSON.stringify(id)}: its sealed secret or parameters fail authentication (changed in the store)`,
          { cause },
        )
      }
      return secret
    },
  }
}

function keyEntry(key: unknown, what: string): KeyEntry {
  if (!(key instanceof Uint8Array) || (key.length !== 16 && key.length !== 24 && key.length !== 32)) {
    const got = key instanceof Uint8Array ? `${key.length} bytes` : describe(key)
    throw new OtpError('INVALID_OPTIONS', `${what} must be a Uint8Array of 16, 24 or 32 bytes (AES-GCM), got ${got}`)
  }
  const id = createHmac('sha256', key).update('otp-wasm sealing key id').digest().subarray(0, KEY_ID_BYTES)
  return { key: createSecretKey(key), cipher: `aes-${key.length * 8}-gcm` as CipherGCMTypes, id }
}

/** Whether `sealed` names this key's id (compared in place: no view allocated per secret). */
function sealedWith(entry: KeyEntry, sealed: Uint8Array): boolean {
  for (let i = 0; i < KEY_ID_BYTES; i++) if (entry.id[i] !== sealed[1 + i]) return false
  return true
}

function additionalData(id: string, params: string): Buffer {
  return Buffer.from(`otp-wasm sealed secret\0${id}\0${params}`, 'utf8')
}

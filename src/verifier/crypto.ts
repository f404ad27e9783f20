/**
 * Secrets at rest: AES-GCM (NIST SP 800-38D) through node:crypto, with a key the caller provides.
 *
 * A sealed secret is `[format 1][key id 4][iv 12][ciphertext][tag 16]`. The additional data binds it
 * to its token id and to the exact text of the token's parameters, so a secret moved to another token,
 * or parameters edited in the store, fail to open instead of yielding wrong codes. The key id (a MAC
 * of a fixed label under the key) tells "sealed with another key" apart from "tampered with", and lets
 * a verifier hold old keys for opening while it seals with a new one.
 *
 * A token's state (its counter or last step, drift, failures, lock) changes with every verification,
 * so it cannot live inside the sealed secret; it is stored in the clear with a MAC instead:
 * HMAC-SHA256 (RFC 2104) under a key derived from the sealing key by HKDF (RFC 5869), over the token
 * id, its parameters, its sealed secret, the version the state is written at, and the state itself.
 * An HOTP counter moved back, a lock lifted or a failure count reset in the store then fails the MAC
 * ('TOKEN_TAMPERED') instead of letting an old code through. A whole row put back as it was at an
 * earlier version (a restored backup) carries a valid MAC: only a store that never goes back in time
 * can refuse that.
 *
 * The state MAC is on every verification's path, twice (checked on read, made on write), so it is
 * computed by the kernel's HMAC of a message over one reused buffer rather than through a createHmac
 * object per call, and from the MAC key's midstates, prepared once per sealer (Kernel.macPrepared),
 * so that no MAC pays the key setup: the same HMAC-SHA256 over the same bytes, at a fraction of the cost.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  randomBytes,
  type CipherGCMTypes,
  type KeyObject,
} from 'node:crypto'
import { OtpError, describe } from '../core/errors.js'
import { MAX_MESSAGE_BYTES, PREPARED_KEY_BYTES, SHA256 } from '../core/kernel.js'
import { defaultKernel } from '../kernels/select.js'
import type { StoredToken } from './store.js'

const FORMAT = 1
const KEY_ID_BYTES = 4
const IV_BYTES = 12
const TAG_BYTES = 16
const HEADER_BYTES = 1 + KEY_ID_BYTES + IV_BYTES

/** Bytes of HMAC-SHA256 kept in a state's MAC: 128 bits, as for the AES-GCM tag. */
const MAC_BYTES = 16

/** A sealing key: 16, 24 or 32 bytes (AES-128, -192 or -256). */
export type SealingKey = Uint8Array

export interface Sealer {
  /** Encrypts a secret for the token `id` with parameters `params` (their stored text). */
  seal(id: string, params: string, secret: Uint8Array): Uint8Array
  /** Decrypts a sealed secret, or throws OtpError('DECRYPTION_FAILED'). The caller wipes the result after use. */
  open(id: string, params: string, sealed: Uint8Array): Uint8Array
  /**
   * The stored text of a state: `[state,"key id:MAC"]`, `state` being its text (token.ts), for the
   * token `token` once it is at `version` (an insert's version, or one past the version a
   * compare-and-set expects).
   */
  sealState(token: Pick<StoredToken, 'id' | 'params' | 'secret'>, version: number, state: string): string
  /**
   * The state text of a stored token, once its MAC is checked; else OtpError('TOKEN_TAMPERED').
   * `known`: the caller has checked or written these exact bytes before (secret-cache.ts), and only
   * the text is taken out.
   */
  openState(stored: StoredToken, known?: boolean): string
}

interface KeyEntry {
  readonly key: KeyObject
  readonly cipher: CipherGCMTypes
  readonly id: Buffer
  /** The key id as the state MAC names it. */
  readonly hexId: string
  /** The HMAC key of the state MAC, derived from the sealing key (32 bytes). */
  readonly macKey: Uint8Array
  /** macKey prepared (its HMAC-SHA256 midstates, Kernel.prepareKey), so that no state MAC pays key setup. */
  readonly macState: Uint32Array
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
      const iv = nextIv()
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

    sealState(token, version, state) {
      return `[${state},"${sealing.hexId}:${stateMac(sealing, token, version, state)}"]`
    },

    openState(stored, known = false) {
      const text = stored.state
      // `[state,"xxxxxxxx:MAC"]`: the MAC's key id has 8 hex digits, the MAC 22 base64url characters.
      const at = text.length - 35
      if (at < 2 || text[0] !== '[' || !text.endsWith('"]') || text.slice(at, at + 2) !== ',"' || text[at + 10] !== ':') {
        throw tampered(stored.id, 'has no valid MAC')
      }
      if (known) return text.slice(1, at)
      const hexId = text.slice(at + 2, at + 10)
      const entry = entries.find((e) => e.hexId === hexId)
      if (entry === undefined) {
        throw new OtpError(
          'DECRYPTION_FAILED',
          `token ${JSON.stringify(stored.id)}: its state was sealed with a different key: check the verifier's key`,
        )
      }
      const state = text.slice(1, at)
      const expected = stateMac(entry, stored, stored.version, state)
      // Compared as text, every character whatever differs: the 22 characters are the MAC's base64url.
      let diff = 0
      for (let i = 0; i < MAC_CHARS; i++) diff |= expected.charCodeAt(i) ^ text.charCodeAt(at + 11 + i)
      if (diff !== 0) throw tampered(stored.id, 'fails its MAC')
      return state
    },
  }
}

/**
 * Random IVs, drawn from the system's generator IV_POOL_IVS at a time: one call per 256 seals rather
 * than one per seal, which a bulk enrolment of thousands of tokens notices. Each IV is as random as
 * one drawn alone, and its bytes are handed out once; IVs are not secret.
 */
const IV_POOL_IVS = 256
let ivPool = Buffer.alloc(0)
let ivTaken = 0

function nextIv(): Buffer {
  if (ivTaken === ivPool.length) {
    ivPool = randomBytes(IV_BYTES * IV_POOL_IVS)
    ivTaken = 0
  }
  const iv = ivPool.subarray(ivTaken, ivTaken + IV_BYTES)
  ivTaken += IV_BYTES
  return iv
}

/** Characters of a MAC_BYTES MAC in base64url, unpadded. */
const MAC_CHARS = 22

/** The prefix of every state MAC's message. */
const MAC_LABEL = 'otp-wasm token state\0'

// One buffer for every state MAC of the process: the message is written into it, MACed, and wiped
// only of what it held past the label, which stays in place (it holds token ids, parameters and
// sealed secrets, never a key).
const messageBuffer = new Uint8Array(MAX_MESSAGE_BYTES)
const encoder = new TextEncoder()
const LABEL_BYTES = encoder.encodeInto(MAC_LABEL, messageBuffer).written
const digest = Buffer.alloc(32)

/** Bytes a decimal version takes at most (2^53 has 16 digits). */
const VERSION_BYTES = 20

/**
 * HMAC-SHA256 of a token's state and what binds it to the token, cut to MAC_BYTES, in base64url:
 * the MAC of `label \0 id \0 params \0 version \0 state \0 sealed secret`. The message is written
 * straight into the reused buffer (no text of it is built first). A message too long for the
 * kernel's buffer (ids and secrets near their limits) goes through createHmac, with the same answer.
 */
function stateMac(entry: KeyEntry, token: Pick<StoredToken, 'id' | 'params' | 'secret'>, version: number, state: string): string {
  const { id, params, secret } = token
  // UTF-8 takes at most 3 bytes per UTF-16 unit.
  if (LABEL_BYTES + 3 * (id.length + params.length + state.length) + VERSION_BYTES + 4 + secret.length > MAX_MESSAGE_BYTES) {
    return createHmac('sha256', entry.macKey)
      .update(`${MAC_LABEL}${id}\0${params}\0${version}\0${state}\0`, 'utf8')
      .update(secret)
      .digest()
      .toString('base64url', 0, MAC_BYTES)
  }
  let at = writeText(id, LABEL_BYTES)
  messageBuffer[at++] = 0
  at = writeText(params, at)
  messageBuffer[at++] = 0
  at = Number.isSafeInteger(version) && version >= 0 ? writeDecimal(version, at) : writeText(String(version), at)
  messageBuffer[at++] = 0
  at = writeText(state, at)
  messageBuffer[at++] = 0
  messageBuffer.set(secret, at)
  at += secret.length
  defaultKernel().macPrepared(SHA256, entry.macState, messageBuffer.subarray(0, at), digest)
  messageBuffer.fill(0, LABEL_BYTES, at)
  return digest.toString('base64url', 0, MAC_BYTES)
}

/** `text` as UTF-8 into messageBuffer at `at`; returns where it ends. ASCII (ids, parameters, states) is copied as is. */
function writeText(text: string, at: number): number {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit > 0x7f) return at + encoder.encodeInto(text, messageBuffer.subarray(at)).written
    messageBuffer[at + i] = unit
  }
  return at + text.length
}

/** A whole number of at most 2^53 - 1 as its decimal digits (as `${value}` writes it) into messageBuffer at `at`. */
function writeDecimal(value: number, at: number): number {
  let end = at + 1
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) end++
  for (let i = end - 1, rest = value; i >= at; i--, rest = Math.floor(rest / 10)) messageBuffer[i] = 0x30 + (rest % 10)
  return end
}

function tampered(id: string, what: string): OtpError {
  return new OtpError(
    'TOKEN_TAMPERED',
    `token ${JSON.stringify(id)}: its state ${what}: it was changed in the store, outside the verifier; refusing it`,
  )
}

function keyEntry(key: unknown, what: string): KeyEntry {
  if (!(key instanceof Uint8Array) || (key.length !== 16 && key.length !== 24 && key.length !== 32)) {
    const got = key instanceof Uint8Array ? `${key.length} bytes` : describe(key)
    throw new OtpError('INVALID_OPTIONS', `${what} must be a Uint8Array of 16, 24 or 32 bytes (AES-GCM), got ${got}`)
  }
  const id = createHmac('sha256', key).update('otp-wasm sealing key id').digest().subarray(0, KEY_ID_BYTES)
  const macKey = new Uint8Array(hkdfSync('sha256', key, new Uint8Array(0), 'otp-wasm token state mac', 32))
  const macState = new Uint32Array(PREPARED_KEY_BYTES / 4)
  defaultKernel().prepareKey(SHA256, macKey, new Uint8Array(macState.buffer))
  return {
    key: createSecretKey(key),
    cipher: `aes-${key.length * 8}-gcm` as CipherGCMTypes,
    id,
    hexId: id.toString('hex'),
    macKey,
    macState,
  }
}

/** Whether `sealed` names this key's id (compared in place: no view allocated per secret). */
function sealedWith(entry: KeyEntry, sealed: Uint8Array): boolean {
  for (let i = 0; i < KEY_ID_BYTES; i++) if (entry.id[i] !== sealed[1 + i]) return false
  return true
}

function additionalData(id: string, params: string): Buffer {
  return Buffer.from(`otp-wasm sealed secret\0${id}\0${params}`, 'utf8')
}

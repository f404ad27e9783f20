/**
 * The state MAC's bytes (crypto.ts): HMAC-SHA256 under the HKDF-derived key, over `label \0 id \0
 * params \0 version \0 state \0 sealed secret`, cut to 16 bytes, in base64url. Recomputed here with
 * node:crypto alone, so that the way the verifier writes the message (its own buffer, its own
 * encoders, a prepared key) can never drift from the format states already stored were MACed with.
 */
import { createHmac, hkdfSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createSealer } from '../src/verifier/crypto.js'
import { rng } from './helpers/reference.js'

function reference(key: Uint8Array, id: string, params: string, version: number, state: string, sealed: Uint8Array): string {
  const macKey = new Uint8Array(hkdfSync('sha256', key, new Uint8Array(0), 'otp-wasm token state mac', 32))
  const text = `otp-wasm token state\0${id}\0${params}\0${version}\0${state}\0`
  return createHmac('sha256', macKey).update(text, 'utf8').update(sealed).digest().toString('base64url', 0, 16)
}

describe('the state MAC', () => {
  const key = new Uint8Array(32).fill(7)
  const sealer = createSealer(key)
  const r = rng(0x57a7)
  const ids = ['user-0', 'alice@example.com', 'józef', 'ユーザー', 'emoji-😀-id', 'x'.repeat(200), 'é'.repeat(1300)]

  it.each(ids)('is HMAC-SHA256 of the documented message, for the id %s', (id) => {
    for (const version of [0, 1, 99, 2 ** 40 - 1, 2 ** 53 - 1]) {
      const params = '["totp","SHA1",6,30,0]'
      const sealed = r.bytes(r.int(40, 80))
      const state = `"${r.int(0, 1e9)}",${r.int(-3, 3)},${r.int(0, 9)},0`
      const text = sealer.sealState({ id, params, secret: sealed }, version, state)
      const mac = text.slice(text.length - 24, text.length - 2)
      expect(mac).toBe(reference(key, id, params, version, state, sealed))
      // And it opens: the same bytes are checked on read.
      expect(sealer.openState({ id, params, secret: sealed, version, state: text })).toBe(state)
    }
  })
})

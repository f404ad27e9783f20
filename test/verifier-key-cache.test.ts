/**
 * The verifier's keyCache (prepared keys kept between verifications) and its faster paths: a hit
 * answers exactly as a miss does (replay, drift, lockout, HOTP), every cached key is wiped when its
 * entry goes (eviction, removal, replace, close), the cache stays within its size, the state MAC is
 * still HMAC-SHA256 of the same bytes (states written before stay valid), and codes are read as
 * people type them.
 */
import { createHmac, hkdfSync } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, hotp, totp } from '../src/index.js'
import { preparedMaterial } from '../src/core/prepared.js'
import { VerifierKey } from '../src/verifier/key-cache.js'
import { createMemoryStore, createVerifier, type StoredToken, type TokenStore } from '../src/verifier/index.js'
import { KEY, SECRET, STEP, T, codeAt, rejected } from './stores/behaviour.js'

/** Every VerifierKey made while a test runs, with the whole array its material lives in. */
const made: Array<{ key: VerifierKey; bytes: Uint8Array }> = []
const pin = VerifierKey.prototype.pin
VerifierKey.prototype.pin = function (this: VerifierKey) {
  if (!made.some((m) => m.key === this)) made.push({ key: this, bytes: new Uint8Array(preparedMaterial(this).state.buffer) })
  return pin.call(this)
}
afterEach(() => {
  made.length = 0
})

const wiped = (bytes: Uint8Array) => bytes.every((b) => b === 0)
const live = () => made.filter((m) => !m.key.disposed)

/** A scenario of verify() and verifyMany() calls: success, replay, drift, wrong codes up to a lock. */
async function scenario(keyCache: boolean, many: boolean): Promise<unknown[]> {
  let now = T * 1000
  const engine = await createEngine({ threads: 1 })
  const verifier = createVerifier({ engine, clock: () => now, policy: { maxFailures: 3 }, ...(keyCache ? { keyCache: { size: 8 } } : {}) })
  const other = new Uint8Array(20).fill(9)
  await verifier.enroll('t', SECRET, { type: 'totp' })
  await verifier.enroll('h', other, { type: 'hotp' })
  const check = async (tokenId: string, code: string) =>
    many
      ? (
          await verifier.verifyMany([
            { tokenId, code },
            { tokenId: 'nobody', code },
          ])
        )[0]
      : await verifier.verify(tokenId, code)
  const out: unknown[] = []
  out.push(await check('t', codeAt(0)))
  out.push(await check('t', codeAt(0))) // replayed
  out.push(await check('t', codeAt(2))) // drift +2 is past the window: invalid
  out.push(await check('t', codeAt(1))) // in the window
  now += 30_000 * 5
  out.push(await check('t', codeAt(5)))
  for (let i = 0; i < 4; i++) out.push(await check('t', '000000')) // to a lock
  out.push(await check('t', codeAt(6)))
  out.push(await check('h', hotp(other, 3)))
  out.push(await check('h', hotp(other, 3))) // replayed, by the look behind
  out.push(await check('h', hotp(other, 2)))
  out.push(await check('h', hotp(other, 4)))
  out.push(await verifier.inspect('t'), await verifier.inspect('h'))
  await verifier.close()
  await engine.close()
  return out
}

describe('keyCache', () => {
  it.each([
    ['verify()', false],
    ['verifyMany()', true],
  ])('answers through %s exactly as without it: replay, drift, lockout, HOTP', async (_, many) => {
    const without = await scenario(false, many)
    const withCache = await scenario(true, many)
    expect(withCache).toEqual(without)
    expect(without.some((r) => (r as { reason?: string }).reason === 'REPLAYED')).toBe(true)
    expect(without.some((r) => (r as { reason?: string }).reason === 'LOCKED')).toBe(true)
    expect(made.length).toBeGreaterThan(0)
  })

  it('answers a hit as a miss: the second verification of a token uses the key cached by the first', async () => {
    let now = T * 1000
    const verifier = createVerifier({ clock: () => now, keyCache: { size: 4 } })
    await verifier.enroll('a', SECRET, { type: 'totp' })
    expect(await verifier.verify('a', codeAt(0))).toMatchObject({ ok: true, delta: 0 })
    expect(made).toHaveLength(1)
    now += 30_000
    expect(await verifier.verify('a', codeAt(1))).toMatchObject({ ok: true, delta: 0 })
    expect(await verifier.verify('a', codeAt(1))).toEqual({ ok: false, reason: 'REPLAYED' })
    now += 60_000
    expect(await verifier.verify('a', codeAt(2))).toMatchObject({ ok: true, delta: -1 })
    expect(made).toHaveLength(1)
    await verifier.close()
  })

  it('keeps at most `size` keys, wiping each one it evicts', async () => {
    const verifier = createVerifier({ clock: () => T * 1000, keyCache: { size: 2 } })
    for (let i = 0; i < 5; i++) await verifier.enroll(`u${i}`, SECRET, { type: 'totp' })
    for (let i = 0; i < 5; i++) expect(await verifier.verify(`u${i}`, codeAt(0))).toMatchObject({ ok: true })
    expect(made).toHaveLength(5)
    expect(live()).toHaveLength(2)
    for (const m of made.filter((m) => m.key.disposed)) expect(wiped(m.bytes)).toBe(true)
    for (const m of live()) expect(wiped(m.bytes)).toBe(false)
    await verifier.close()
  })

  it('keeps a key evicted in the middle of a verifyMany chunk until the chunk is done with it', async () => {
    const other = new Uint8Array(20).fill(3)
    const verifier = createVerifier({ keyCache: { size: 2 } })
    const ids = Array.from({ length: 6 }, (_, i) => `h${i}`)
    for (const id of ids) await verifier.enroll(id, other, { type: 'hotp' })
    // HOTP takes the general path: every token of the chunk is opened before any is checked.
    const results = await verifier.verifyMany(ids.map((tokenId) => ({ tokenId, code: hotp(other, 0) })))
    expect(results).toEqual(ids.map(() => ({ ok: true, type: 'hotp', delta: 0, counter: 0 })))
    expect(live()).toHaveLength(2)
    for (const m of made.filter((m) => m.key.disposed)) expect(wiped(m.bytes)).toBe(true)
    await verifier.close()
  })

  it('wipes a token key on remove(), on replace(), and every key on close()', async () => {
    let now = T * 1000
    const verifier = createVerifier({ clock: () => now, keyCache: { size: 8 } })
    for (const id of ['a', 'b', 'c']) await verifier.enroll(id, SECRET, { type: 'totp' })
    for (const id of ['a', 'b', 'c']) await verifier.verify(id, codeAt(0))
    const [a, b, c] = made
    await verifier.remove('a')
    expect(a!.key.disposed && wiped(a!.bytes)).toBe(true)
    await verifier.replace('b', new Uint8Array(20).fill(5), { type: 'totp' })
    expect(b!.key.disposed && wiped(b!.bytes)).toBe(true)
    expect(c!.key.disposed).toBe(false)
    // The replaced token verifies with its new secret, through a new key.
    now += 30_000
    expect(await verifier.verify('b', totp(new Uint8Array(20).fill(5), { time: now / 1000 }))).toMatchObject({ ok: true })
    await verifier.close()
    expect(made.every((m) => m.key.disposed && wiped(m.bytes))).toBe(true)
  })

  it('opens afresh a token re-enrolled behind its back (another verifier replaced it in the store)', async () => {
    let now = T * 1000
    const store = createMemoryStore()
    const verifier = createVerifier({ store, key: KEY, clock: () => now, keyCache: { size: 8 } })
    const admin = createVerifier({ store, key: KEY, clock: () => now })
    await verifier.enroll('a', SECRET, { type: 'totp' })
    await verifier.verify('a', codeAt(0))
    const fresh = new Uint8Array(20).fill(6)
    await admin.replace('a', fresh, { type: 'totp' })
    now += 30_000
    expect(await verifier.verify('a', totp(SECRET, { time: now / 1000 }))).toMatchObject({ ok: false, reason: 'INVALID' })
    expect(await verifier.verify('a', totp(fresh, { time: now / 1000 }))).toMatchObject({ ok: true })
    expect(made[0]!.key.disposed && wiped(made[0]!.bytes)).toBe(true)
    await verifier.close()
  })

  it('still refuses a state changed in the store (TOKEN_TAMPERED) once the key is cached', async () => {
    const store = createMemoryStore()
    let tamper = false
    // Reads the token with its position moved back to 0, as an attacker with write access to the store would.
    const tampering: TokenStore = {
      ...store,
      async get(id) {
        const token = await store.get(id)
        return token && (tamper ? { ...token, state: token.state.replace(/^\["\d+",/, '["0",') } : token)
      },
    }
    let now = T * 1000
    const verifier = createVerifier({ store: tampering, key: KEY, clock: () => now, keyCache: { size: 8 } })
    await verifier.enroll('a', SECRET, { type: 'totp' })
    expect(await verifier.verify('a', codeAt(0))).toMatchObject({ ok: true })
    expect(made).toHaveLength(1)
    tamper = true
    now += 30_000
    expect((await rejected(verifier.verify('a', codeAt(0)))).code).toBe('TOKEN_TAMPERED')
    await verifier.close()
  })

  it.each([{ size: 0 }, { size: 1.5 }, {}, 10, null])('refuses keyCache %j', (keyCache) => {
    expect(() => createVerifier({ keyCache: keyCache as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }))
  })
})

describe('the state MAC', () => {
  it('is HMAC-SHA256 under the HKDF-derived key of the label, id, parameters, version, state and sealed secret', async () => {
    const store = createMemoryStore()
    const verifier = createVerifier({ store, key: KEY, clock: () => T * 1000 })
    await verifier.enroll('alice', SECRET, { type: 'totp' })
    await verifier.verify('alice', codeAt(0))
    const token = (await store.get('alice')) as StoredToken
    const [, state, mac] = /^\[(.*),"[0-9a-f]{8}:([A-Za-z0-9_-]{22})"\]$/.exec(token.state)!
    const macKey = Buffer.from(hkdfSync('sha256', KEY, new Uint8Array(0), 'otp-wasm token state mac', 32))
    const expected = createHmac('sha256', macKey)
      .update(`otp-wasm token state\0${token.id}\0${token.params}\0${token.version}\0${state}\0`, 'utf8')
      .update(token.secret)
      .digest()
      .subarray(0, 16)
      .toString('base64url')
    expect(mac).toBe(expected)
  })
})

describe('codes as people type them', () => {
  it.each(['', 'many'])('verify%s takes one space or hyphen between digit groups, and nothing looser', async (many) => {
    let now = T * 1000
    const verifier = createVerifier({ clock: () => now, policy: { maxFailures: 100 } })
    await verifier.enroll('a', SECRET, { type: 'totp' })
    const check = async (code: string) =>
      many ? (await verifier.verifyMany([{ tokenId: 'a', code }]))[0] : await verifier.verify('a', code)
    const code = codeAt(0)
    for (const bad of [` ${code}`, `${code.slice(0, 3)}  ${code.slice(3)}`, `${code.slice(0, 3)}_${code.slice(3)}`, `${code}-`]) {
      expect(await check(bad)).toMatchObject({ ok: false, reason: 'INVALID' })
    }
    expect(await check(`${code.slice(0, 3)} ${code.slice(3)}`)).toMatchObject({ ok: true, step: STEP })
    now += 30_000
    const next = codeAt(1)
    expect(await check(`${next.slice(0, 4)}-${next.slice(4)}`)).toMatchObject({ ok: true, step: STEP + 1 })
    expect(await check(`${next.slice(0, 2)} ${next.slice(2, 4)} ${next.slice(4)}`)).toEqual({ ok: false, reason: 'REPLAYED' })
    await verifier.close()
  })

  it('resync takes typed codes too', async () => {
    const verifier = createVerifier()
    await verifier.enroll('h', SECRET, { type: 'hotp' })
    const codes = [hotp(SECRET, 20), hotp(SECRET, 21)].map((c) => `${c.slice(0, 3)} ${c.slice(3)}`)
    expect(await verifier.resync('h', codes)).toMatchObject({ ok: true, counter: 22 })
  })
})

/**
 * The verifier's boundary and its sealing: options and inputs that must throw OtpError with a stable
 * code (and never echo a secret), secrets that fail to open when the key or the stored record is
 * wrong, key rotation, and the same decisions whichever engine computes the codes.
 */
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { OtpError, base32Encode, createEngine, hotp, resyncHotp, totp, verifyHotp, verifyTotp } from '../src/index.js'
import { createMemoryStore, createSqliteStore, createVerifier, type Verifier } from '../src/verifier/index.js'
import { KEY, SECRET, STEP, T, codeAt, rejected } from './stores/behaviour.js'
import { scratchFiles } from './stores/scratch.js'
import { otpErrorOf } from './helpers/errors.js'

const file = scratchFiles('otp-verifier')

const at = (seconds: number) => () => seconds * 1000

describe('createVerifier options', () => {
  const cases: Array<[string, unknown, string]> = [
    ['not an object', 'memory', 'INVALID_OPTIONS'],
    ['a store without a key', { store: createMemoryStore() }, 'INVALID_OPTIONS'],
    ['a key of the wrong length', { key: new Uint8Array(20) }, 'INVALID_OPTIONS'],
    ['a key that is text', { key: 'k'.repeat(32) }, 'INVALID_OPTIONS'],
    ['no keys at all', { key: [] }, 'INVALID_OPTIONS'],
    ['an unknown policy field', { policy: { windw: 1 } }, 'INVALID_POLICY'],
    ['a negative window', { policy: { window: -1 } }, 'INVALID_POLICY'],
    ['a fractional failure count', { policy: { maxFailures: 2.5 } }, 'INVALID_POLICY'],
    ['a lock cap below the first lock', { policy: { lockSeconds: 60, maxLockSeconds: 30 } }, 'INVALID_POLICY'],
    // One code per resync would make each resync as guessable as a verification, over a far wider look-ahead.
    ['a resync of one code', { policy: { resyncCodes: 1 } }, 'INVALID_POLICY'],
    ['an ownsStore that is not a boolean', { ownsStore: 'yes' }, 'INVALID_OPTIONS'],
    ['a clock that is not a function', { clock: 5 }, 'INVALID_OPTIONS'],
    ['a zero batch size', { batchSize: 0 }, 'INVALID_OPTIONS'],
    ['a negative secret cache', { secretCache: -1 }, 'INVALID_OPTIONS'],
    ['a store that is not one', { store: new Map(), key: KEY }, 'INVALID_OPTIONS'],
    ['an engine without verifyHotp', { engine: { verifyTotp, resyncHotp } }, 'INVALID_OPTIONS'],
  ]
  it.each(cases)('refuses %s', (_, options, code) => {
    expect(otpErrorOf(() => createVerifier(options as never)).code).toBe(code)
  })

  it('fills the policy from the defaults', () => {
    const verifier = createVerifier({ policy: { window: 2 } })
    expect(verifier.policy).toMatchObject({ window: 2, lookAhead: 10, maxFailures: 5, maxDrift: 10 })
  })
})

describe('bad input to a verifier', () => {
  const secretText = base32Encode(SECRET)
  const verifier = createVerifier({ clock: at(T) })
  const ready = verifier.enroll('alice', SECRET, { type: 'totp' })

  const enrollCases: Array<[string, unknown, unknown, unknown, string]> = [
    ['an empty id', '', SECRET, { type: 'totp' }, 'INVALID_TOKEN_ID'],
    ['a numeric id', 7, SECRET, { type: 'totp' }, 'INVALID_TOKEN_ID'],
    ['an id past 256 characters', 'x'.repeat(257), SECRET, { type: 'totp' }, 'INVALID_TOKEN_ID'],
    ['an id with a lone surrogate', 'bob\uD800', SECRET, { type: 'totp' }, 'INVALID_TOKEN_ID'],
    ['no params', 'bob', SECRET, undefined, 'INVALID_OPTIONS'],
    ['an unknown type', 'bob', SECRET, { type: 'motp' }, 'INVALID_OPTIONS'],
    ['5 digits', 'bob', SECRET, { type: 'totp', digits: 5 }, 'INVALID_DIGITS'],
    ['an unknown hash', 'bob', SECRET, { type: 'hotp', algorithm: 'MD5' }, 'INVALID_ALGORITHM'],
    ['a zero period', 'bob', SECRET, { type: 'totp', period: 0 }, 'INVALID_PERIOD'],
    ['a counter past 2^64 - 1', 'bob', SECRET, { type: 'hotp', counter: 2n ** 64n }, 'INVALID_COUNTER'],
    ['an empty secret', 'bob', new Uint8Array(0), { type: 'totp' }, 'INVALID_SECRET'],
    ['a secret that is not base32', 'bob', `${secretText}!`, { type: 'totp' }, 'INVALID_SECRET'],
  ]
  it.each(enrollCases)('enroll refuses %s', async (_, id, secret, params, code) => {
    const error = await rejected(verifier.enroll(id as string, secret as Uint8Array, params as never))
    expect(error.code).toBe(code)
    expect(error.message).not.toContain(secretText.slice(0, 8))
  })

  it('verify refuses a code that is not a string, and an unknown id', async () => {
    await ready
    expect((await rejected(verifier.verify('alice', 123456 as unknown as string))).code).toBe('INVALID_CODE')
    expect((await rejected(verifier.verify('nobody', '123456'))).code).toBe('UNKNOWN_TOKEN')
    expect((await rejected(verifier.verify(null as unknown as string, '123456'))).code).toBe('INVALID_TOKEN_ID')
    expect((await rejected(verifier.inspect('nobody'))).code).toBe('UNKNOWN_TOKEN')
  })

  it('resync asks for policy.resyncCodes (at least 2) to 16 codes, as strings', async () => {
    await ready
    expect((await rejected(verifier.resync('alice', [codeAt(0)]))).code).toBe('INVALID_CODES')
    const three = createVerifier({ policy: { resyncCodes: 3 } })
    await three.enroll('alice', SECRET, { type: 'totp' })
    expect((await rejected(three.resync('alice', [codeAt(0), codeAt(1)]))).code).toBe('INVALID_CODES')
    expect((await rejected(verifier.resync('alice', 'nope' as unknown as string[]))).code).toBe('INVALID_CODES')
    expect((await rejected(verifier.resync('alice', [codeAt(0), 1 as unknown as string]))).code).toBe('INVALID_CODES')
    expect((await rejected(verifier.resync('alice', Array(17).fill(codeAt(0))))).code).toBe('INVALID_CODES')
    expect((await verifier.inspect('alice')).failures).toBe(0)
  })

  it('verifyMany takes an array, and answers a malformed request in its own slot', async () => {
    await ready
    expect((await rejected(verifier.verifyMany('alice' as never))).code).toBe('INVALID_OPTIONS')
    const results = await verifier.verifyMany([null as never, { tokenId: 'alice' } as never, { tokenId: 'alice', code: codeAt(0) }])
    expect((results[0] as OtpError).code).toBe('INVALID_RECORD')
    expect((results[1] as OtpError).code).toBe('INVALID_CODE')
    expect(results[2]).toEqual({ ok: true, type: 'totp', delta: 0, step: STEP })
    expect(await verifier.verifyMany([])).toEqual([])
  })
})

describe('policy corners', () => {
  it('with lookBehind 0, a used HOTP code is just a wrong code', async () => {
    const verifier = createVerifier({ policy: { lookBehind: 0 } })
    await verifier.enroll('hw', SECRET, { type: 'hotp' })
    await verifier.verify('hw', hotp(SECRET, 0))
    expect(await verifier.verify('hw', hotp(SECRET, 0))).toEqual({ ok: false, reason: 'INVALID', failures: 1 })
  })

  it('a TOTP token accepts nothing before its t0, and counts steps from t0 with its own period', async () => {
    const t0 = T - 600
    const verifier = createVerifier({ clock: at(t0 - 100) })
    await verifier.enroll('late', SECRET, { type: 'totp', t0, period: 60, digits: 8, algorithm: 'SHA512' })
    const code = totp(SECRET, { time: t0, t0, period: 60, digits: 8, algorithm: 'SHA512' })
    expect(await verifier.verify('late', code)).toEqual({ ok: false, reason: 'INVALID', failures: 1 })
    const later = createVerifier({ clock: at(t0 + 125) })
    await later.enroll('late', SECRET, { type: 'totp', t0, period: 60, digits: 8, algorithm: 'SHA512' })
    const now = totp(SECRET, { time: t0 + 125, t0, period: 60, digits: 8, algorithm: 'SHA512' })
    expect(await later.verify('late', now)).toEqual({ ok: true, type: 'totp', delta: 0, step: 2 })
  })
})

describe('secrets at rest', () => {
  let databases = 0
  /** A verifier on a fresh SQLite file, and a raw connection to the same file to play the attacker. */
  async function onFile(key: Uint8Array | Uint8Array[] = KEY) {
    const path = file(`sealed-${++databases}.db`)
    const store = await createSqliteStore(path)
    return { file: path, store, verifier: createVerifier({ store, key, clock: at(T) }) }
  }

  it('a changed parameter or a flipped secret bit is TOKEN_TAMPERED, not a wrong code', async () => {
    const { file, store, verifier } = await onFile()
    await verifier.enroll('alice', SECRET, { type: 'totp' })
    await verifier.enroll('bob', SECRET, { type: 'totp' })
    const db = new Database(file)
    // Fewer digits would make codes easier to guess: the parameters are bound to the secret.
    db.prepare(`UPDATE otp_tokens SET params = replace(params, '6', '7') WHERE id = 'alice'`).run()
    const sealed = db.prepare(`SELECT secret FROM otp_tokens WHERE id = 'bob'`).get() as { secret: Buffer }
    sealed.secret[sealed.secret.length - 20]! ^= 1
    db.prepare(`UPDATE otp_tokens SET secret = ? WHERE id = 'bob'`).run(sealed.secret)
    db.close()
    for (const id of ['alice', 'bob']) {
      const error = await rejected(verifier.verify(id, codeAt(0)))
      expect(error.code).toBe('TOKEN_TAMPERED')
      expect(error.message).toContain('changed in the store')
    }
    await store.close()
  })

  it('a secret moved to another token fails to open', async () => {
    const { file, store, verifier } = await onFile()
    await verifier.enroll('alice', SECRET, { type: 'totp' })
    await verifier.enroll('mallory', new Uint8Array(20).fill(1), { type: 'totp' })
    const db = new Database(file)
    db.prepare(`UPDATE otp_tokens SET secret = (SELECT secret FROM otp_tokens WHERE id = 'alice') WHERE id = 'mallory'`).run()
    db.close()
    expect((await rejected(verifier.verify('mallory', codeAt(0)))).code).toBe('TOKEN_TAMPERED')
    expect(await verifier.verify('alice', codeAt(0))).toMatchObject({ ok: true })
    await store.close()
  })

  it('a counter moved back or a lock lifted in the database is TOKEN_TAMPERED, never a second use of a code', async () => {
    const { file, store, verifier } = await onFile()
    await verifier.enroll('hw', SECRET, { type: 'hotp' })
    await verifier.enroll('bob', SECRET, { type: 'totp' })
    expect(await verifier.verify('hw', hotp(SECRET, 0))).toMatchObject({ ok: true, counter: 0 })
    for (let i = 0; i < 5; i++) await verifier.verify('bob', '000000')
    expect(await verifier.verify('bob', codeAt(0))).toMatchObject({ ok: false, reason: 'LOCKED' })
    const db = new Database(file)
    const edit = db.prepare(`UPDATE otp_tokens SET state = ? WHERE id = ?`)
    const stateOf = (id: string) => (db.prepare(`SELECT state FROM otp_tokens WHERE id = ?`).get(id) as { state: string }).state
    const hw = stateOf('hw')
    expect(hw.startsWith('["1",0,0,0,"')).toBe(true)
    edit.run(hw.replace('"1"', '"0"'), 'hw')
    const bob = stateOf('bob')
    edit.run(bob.replace(/^\["0",0,5,\d+,/, '["0",0,0,0,'), 'bob')
    expect(stateOf('bob')).not.toBe(bob)
    // A state without its MAC, as an older verifier or a careless script would write it.
    await verifier.enroll('carol', SECRET, { type: 'totp' })
    edit.run('["0",0,0,0]', 'carol')
    db.close()
    for (const [id, code] of [
      ['hw', hotp(SECRET, 0)],
      ['bob', codeAt(0)],
      ['carol', codeAt(0)],
    ] as const) {
      const error = await rejected(verifier.verify(id, code))
      expect(error.code).toBe('TOKEN_TAMPERED')
      expect(error.message).toContain(JSON.stringify(id))
      expect((await rejected(verifier.resync(id, [code, code]))).code).toBe('TOKEN_TAMPERED')
    }
    // The administrator's way out: enrol the token again.
    expect((await verifier.replace('hw', SECRET, { type: 'hotp', counter: 1 })).replaced).toBe(true)
    expect(await verifier.verify('hw', hotp(SECRET, 1))).toMatchObject({ ok: true })
    await store.close()
  })

  it('rotates keys: the first key seals, every key opens', async () => {
    const oldKey = new Uint8Array(16).fill(1)
    const newKey = new Uint8Array(32).fill(2)
    const { store, verifier: before } = await onFile(oldKey)
    await before.enroll('old', SECRET, { type: 'hotp' })
    const after = createVerifier({ store, key: [newKey, oldKey] })
    await after.enroll('new', SECRET, { type: 'hotp' })
    expect(await after.verify('old', hotp(SECRET, 0))).toMatchObject({ ok: true })
    expect(await after.verify('new', hotp(SECRET, 0))).toMatchObject({ ok: true })
    const error = await rejected(before.verify('new', hotp(SECRET, 1)))
    expect(error.code).toBe('DECRYPTION_FAILED')
    expect(error.message).toContain('different key')
    await store.close()
  })
})

describe('the opened-secret cache', () => {
  it('serves only the sealed bytes it opened: a re-enrolled or tampered token is opened afresh', async () => {
    const path = file('cached.db')
    const store = await createSqliteStore(path)
    const verifier = createVerifier({ store, key: KEY, secretCache: 2, clock: at(T) })
    const other = new Uint8Array(20).fill(9)
    await verifier.enroll('alice', SECRET, { type: 'hotp' })
    await verifier.enroll('bob', SECRET, { type: 'hotp' })
    expect(await verifier.verify('alice', hotp(SECRET, 0))).toMatchObject({ ok: true })
    // Re-enrolled by another verifier on the same store: this one's cache must not answer for it.
    const admin = createVerifier({ store, key: KEY })
    await admin.remove('alice')
    await admin.enroll('alice', other, { type: 'hotp' })
    expect(await verifier.verify('alice', hotp(SECRET, 1))).toMatchObject({ ok: false, reason: 'INVALID' })
    expect(await verifier.verify('alice', hotp(other, 0))).toMatchObject({ ok: true })
    // Tampered after it was cached: opened afresh, and refused.
    expect(await verifier.verify('bob', hotp(SECRET, 0))).toMatchObject({ ok: true })
    const db = new Database(path)
    db.prepare(`UPDATE otp_tokens SET secret = (SELECT secret FROM otp_tokens WHERE id = 'alice') WHERE id = 'bob'`).run()
    db.close()
    expect((await rejected(verifier.verify('bob', hotp(SECRET, 1)))).code).toBe('TOKEN_TAMPERED')
    await store.close()
  })

  it('takes no state on trust: a state, secret or parameter changed under a cached token is TOKEN_TAMPERED', async () => {
    const path = file('cached-state.db')
    const store = await createSqliteStore(path)
    const verifier = createVerifier({ store, key: KEY, secretCache: 8, clock: at(T) })
    for (const id of ['hw', 'sec', 'par']) {
      await verifier.enroll(id, SECRET, { type: 'hotp' })
      // Read, checked and written by this verifier: all of it in its cache.
      expect(await verifier.verify(id, hotp(SECRET, 0))).toMatchObject({ ok: true })
      expect(await verifier.verifyMany([{ tokenId: id, code: hotp(SECRET, 1) }])).toMatchObject([{ ok: true }])
    }
    const db = new Database(path)
    // Same version, other bytes: the counter moved back, a secret from another token, other parameters.
    db.prepare(`UPDATE otp_tokens SET state = replace(state, '"2"', '"0"') WHERE id = 'hw'`).run()
    await verifier.enroll('donor', new Uint8Array(20).fill(4), { type: 'hotp' })
    db.prepare(`UPDATE otp_tokens SET secret = (SELECT secret FROM otp_tokens WHERE id = 'donor') WHERE id = 'sec'`).run()
    db.prepare(`UPDATE otp_tokens SET params = replace(params, '6', '8') WHERE id = 'par'`).run()
    db.close()
    for (const id of ['hw', 'sec', 'par']) {
      expect((await rejected(verifier.verify(id, hotp(SECRET, 2)))).code, id).toBe('TOKEN_TAMPERED')
      expect((await verifier.verifyMany([{ tokenId: id, code: hotp(SECRET, 2) }]))[0]).toMatchObject({ code: 'TOKEN_TAMPERED' })
    }
    await store.close()
  })

  it('never wipes a secret still in use when it drops the entry', async () => {
    const verifier = createVerifier({ secretCache: 1, clock: at(T) })
    const secrets = Array.from({ length: 6 }, (_, i) => new Uint8Array(20).fill(i + 1))
    for (const [i, secret] of secrets.entries()) await verifier.enroll(`u${i}`, secret, { type: 'totp' })
    for (let round = 0; round < 3; round++) {
      const time = T + round * 30
      const results = await verifier.verifyMany(secrets.map((secret, i) => ({ tokenId: `u${i}`, code: totp(secret, { time }) })))
      expect(results).toEqual(secrets.map(() => ({ ok: true, type: 'totp', delta: round, step: STEP + round })))
    }
  })
})

describe('the engine behind the verifier', () => {
  /** The same history on each verifier; returns everything they answered. */
  async function history(verifier: Verifier) {
    await verifier.enroll('t', SECRET, { type: 'totp' })
    await verifier.enroll('h', SECRET, { type: 'hotp', algorithm: 'SHA256', digits: 8 })
    const h = (c: number) => hotp(SECRET, c, { algorithm: 'SHA256', digits: 8 })
    return [
      await verifier.verifyMany([
        { tokenId: 't', code: codeAt(0) },
        { tokenId: 'h', code: h(3) },
        { tokenId: 'h', code: h(1) },
        { tokenId: 't', code: codeAt(1) },
        { tokenId: 'h', code: '00000000' },
      ]),
      await verifier.verify('t', codeAt(0)),
      await verifier.resync('h', [h(40), h(41)]),
      await verifier.verify('h', h(42)),
    ]
  }

  it('decides the same through the module functions, JS and WASM engines, a pool, and verifyBatch alone', async () => {
    const moduleApi = { verifyTotp, verifyHotp, resyncHotp }
    const js = await createEngine({ backend: 'js', threads: 1 })
    const wasm = await createEngine({ backend: 'auto', threads: 1 })
    const pool = await createEngine({ threads: 2 })
    // An engine with records but no columns: the verifier falls back to verifyBatch.
    const recordsOnly = { ...moduleApi, verifyBatch: wasm.verifyBatch.bind(wasm) }
    const expected = await history(createVerifier({ clock: at(T), engine: moduleApi }))
    expect(expected[0]).toEqual([
      { ok: true, type: 'totp', delta: 0, step: STEP },
      { ok: true, type: 'hotp', delta: 3, counter: 3 },
      { ok: false, reason: 'REPLAYED' },
      { ok: true, type: 'totp', delta: 1, step: STEP + 1 },
      { ok: false, reason: 'INVALID', failures: 1 },
    ])
    expect(expected.slice(1)).toEqual([
      { ok: false, reason: 'REPLAYED' },
      { ok: true, type: 'hotp', counter: 42 },
      { ok: true, type: 'hotp', delta: 0, counter: 42 },
    ])
    for (const engine of [js, wasm, pool, recordsOnly]) {
      expect(await history(createVerifier({ clock: at(T), engine }))).toEqual(expected)
    }
    for (const engine of [js, wasm, pool]) await engine.close()
  })
})

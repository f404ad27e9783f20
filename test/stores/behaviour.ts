/**
 * One behaviour suite for every token store: the store contract itself, then the verifier's rules
 * (replay, forward-only counters, drift, throttling, resync, sealing, batches) running on top of it.
 * Each store's test file calls describeStore with a factory that hands out fresh, empty stores.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { OtpError, hotp, totp } from '../../src/index.js'
import { createVerifier, type TokenStore, type VerifierPolicy } from '../../src/verifier/index.js'

/** The RFC 6238 appendix B SHA-1 key. */
export const SECRET = new TextEncoder().encode('12345678901234567890')
export const KEY = new Uint8Array(32).fill(7)
/** A fixed "now", in unix seconds, at the middle of a step. */
export const T = 1_700_000_015
export const STEP = Math.floor(T / 30)

/** The TOTP code of the step `offset` steps from STEP. */
export const codeAt = (offset: number, secret = SECRET) => totp(secret, { time: (STEP + offset) * 30 })

/** A stored token with its secret as plain bytes (a store may hand out a Buffer, a Uint8Array subclass). */
const plain = <T extends { secret: Uint8Array } | null>(token: T): T =>
  token === null ? token : { ...token, secret: new Uint8Array(token.secret) }

/** A store factory: a fresh empty store each call. */
export type StoreFactory = () => Promise<TokenStore>

/** The OtpError a promise rejects with (and a failed expectation if it resolves or throws anything else). */
export async function rejected(promise: Promise<unknown>): Promise<OtpError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(OtpError)
    return error as OtpError
  }
  throw new Error('expected an OtpError, but the call succeeded')
}

export function describeStore(name: string, makeStore: StoreFactory): void {
  const opened: TokenStore[] = []
  const fresh = async () => {
    const store = await makeStore()
    opened.push(store)
    return store
  }
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close()
  })

  /** A verifier on a fresh store, with a clock the test moves (seconds). */
  const setup = async (policy: Partial<VerifierPolicy> = {}) => {
    const store = await fresh()
    const clock = { now: T }
    const verifier = createVerifier({ store, key: KEY, policy, clock: () => clock.now * 1000 })
    return { store, clock, verifier }
  }

  describe(`${name} store: the contract`, () => {
    // Any starting version: the verifier starts tokens at random ones.
    const V = 1_099_511_627_000
    const token = { id: 'tok', secret: new Uint8Array([1, 2, 3, 0, 255]), params: 'p', state: 's0', version: V }

    it('inserts at the given version and reads back the same bytes and texts', async () => {
      const store = await fresh()
      await store.insert(token)
      expect(plain(await store.get('tok'))).toEqual(token)
      expect(await store.get('other')).toBeNull()
    })

    it('refuses a second token with the same id', async () => {
      const store = await fresh()
      await store.insert(token)
      expect((await rejected(store.insert({ ...token, state: 'x' }))).code).toBe('TOKEN_EXISTS')
      expect((await store.get('tok'))!.state).toBe('s0')
    })

    it('insertMany adds a batch in order, each token whole, false for every id already taken', async () => {
      const store = await fresh()
      await store.insert(token)
      const batch = Array.from({ length: 7 }, (_, i) => ({
        ...token,
        id: `many-${i}`,
        secret: new Uint8Array([i, 0, 255]),
        state: `s${i}`,
        version: V + i,
      }))
      // The taken id, then a repeat within the batch: both refused, the others added.
      const added = await store.insertMany([
        batch[0]!,
        { ...token, state: 'x' },
        batch[1]!,
        { ...batch[0]!, state: 'again' },
        ...batch.slice(2),
      ])
      expect(added).toEqual([true, false, true, false, true, true, true, true, true])
      expect((await store.get('tok'))!.state).toBe('s0')
      expect((await store.getMany(batch.map((t) => t.id))).map(plain)).toEqual(batch)
      expect(await store.insertMany([])).toEqual([])
      // Written versions are the given ones: compare-and-set works on them.
      expect(await store.compareAndSet({ id: 'many-3', version: V + 3, state: 'next' })).toBe(true)
    })

    it('lists the ids of its tokens, and of no other store', async () => {
      const store = await fresh()
      expect(await store.ids()).toEqual([])
      const names = ['b', 'a*', 'c:d', 'ünï']
      await store.insertMany(names.map((id) => ({ ...token, id })))
      await store.delete('b')
      expect((await store.ids()).sort()).toEqual(['a*', 'c:d', 'ünï'])
    })

    it('compare-and-set writes only over the version it was given', async () => {
      const store = await fresh()
      await store.insert(token)
      expect(await store.compareAndSet({ id: 'tok', version: V, state: 's1' })).toBe(true)
      expect(await store.compareAndSet({ id: 'tok', version: V, state: 'stale' })).toBe(false)
      expect(await store.compareAndSet({ id: 'missing', version: V, state: 'x' })).toBe(false)
      expect(plain(await store.get('tok'))).toEqual({ ...token, state: 's1', version: V + 1 })
    })

    it('compareAndSetMany decides in order, each update on its own', async () => {
      const store = await fresh()
      await store.insert(token)
      await store.insert({ ...token, id: 'b' })
      const done = await store.compareAndSetMany([
        { id: 'tok', version: V, state: 'first' },
        { id: 'tok', version: V, state: 'second' },
        { id: 'b', version: V + 7, state: 'stale' },
        { id: 'tok', version: V + 1, state: 'third' },
        { id: 'nope', version: V, state: 'x' },
      ])
      expect(done).toEqual([true, false, false, true, false])
      expect((await store.getMany(['tok', 'b', 'nope', 'tok'])).map(plain)).toEqual([
        { ...token, state: 'third', version: V + 2 },
        { ...token, id: 'b' },
        null,
        { ...token, state: 'third', version: V + 2 },
      ])
    })

    it('deletes', async () => {
      const store = await fresh()
      await store.insert(token)
      expect(await store.delete('tok')).toBe(true)
      expect(await store.delete('tok')).toBe(false)
      expect(await store.get('tok')).toBeNull()
      expect(await store.compareAndSet({ id: 'tok', version: V, state: 'x' })).toBe(false)
    })
  })

  describe(`${name} store: the verifier`, () => {
    it('accepts a TOTP code once, then calls it REPLAYED (RFC 6238 section 5.2)', async () => {
      const { verifier } = await setup()
      await verifier.enroll('alice', SECRET, { type: 'totp' })
      expect(await verifier.verify('alice', codeAt(0))).toEqual({ ok: true, type: 'totp', delta: 0, step: STEP })
      expect(await verifier.verify('alice', codeAt(0))).toEqual({ ok: false, reason: 'REPLAYED' })
      // The previous step is inside the window but before the last accepted one.
      expect(await verifier.verify('alice', codeAt(-1))).toEqual({ ok: false, reason: 'REPLAYED' })
      expect((await verifier.inspect('alice')).failures).toBe(0)
    })

    it('accepts a later TOTP step, and no earlier one after it', async () => {
      const { verifier, clock } = await setup()
      await verifier.enroll('alice', SECRET, { type: 'totp' })
      expect(await verifier.verify('alice', codeAt(-1))).toMatchObject({ ok: true, step: STEP - 1 })
      clock.now += 30
      expect(await verifier.verify('alice', codeAt(1))).toMatchObject({ ok: true, step: STEP + 1 })
      expect(await verifier.verify('alice', codeAt(0))).toEqual({ ok: false, reason: 'REPLAYED' })
      expect((await verifier.inspect('alice')).lastStep).toBe(STEP + 1)
    })

    it('rejects a wrong TOTP code as INVALID and counts it', async () => {
      const { verifier } = await setup()
      await verifier.enroll('alice', SECRET, { type: 'totp' })
      const wrong = codeAt(0) === '000000' ? '000001' : '000000'
      expect(await verifier.verify('alice', wrong)).toEqual({ ok: false, reason: 'INVALID', failures: 1 })
      expect(await verifier.verify('alice', '12345')).toEqual({ ok: false, reason: 'INVALID', failures: 2 })
      expect(await verifier.verify('alice', codeAt(5))).toEqual({ ok: false, reason: 'INVALID', failures: 3 })
      expect(await verifier.verify('alice', codeAt(0))).toMatchObject({ ok: true })
      expect((await verifier.inspect('alice')).failures).toBe(0)
    })

    it('moves the HOTP counter past each accepted code, never backwards (RFC 4226 section 7.2)', async () => {
      const { verifier } = await setup()
      await verifier.enroll('hw', SECRET, { type: 'hotp', counter: 5 })
      expect(await verifier.verify('hw', hotp(SECRET, 5))).toEqual({ ok: true, type: 'hotp', delta: 0, counter: 5 })
      expect(await verifier.verify('hw', hotp(SECRET, 9))).toEqual({ ok: true, type: 'hotp', delta: 3, counter: 9 })
      expect((await verifier.inspect('hw')).counter).toBe(10)
      // Codes of used counters: replays, and the counter stays.
      for (const used of [9, 7, 5]) {
        expect(await verifier.verify('hw', hotp(SECRET, used))).toEqual({ ok: false, reason: 'REPLAYED' })
      }
      expect(await verifier.inspect('hw')).toMatchObject({ counter: 10, failures: 0 })
      // Past the look-ahead (10): a miss.
      expect(await verifier.verify('hw', hotp(SECRET, 21))).toEqual({ ok: false, reason: 'INVALID', failures: 1 })
      expect(await verifier.verify('hw', hotp(SECRET, 20))).toMatchObject({ ok: true, counter: 20, delta: 10 })
    })

    it('learns TOTP drift, so a token drifting a step a year keeps working with window 1 (RFC 6238 section 6)', async () => {
      const { verifier, clock } = await setup({ window: 1, maxDrift: 10 })
      await verifier.enroll('fob', SECRET, { type: 'totp' })
      const naive = await setup({ window: 1 })
      await naive.verifier.enroll('fob', SECRET, { type: 'totp' })
      const year = 365 * 24 * 3600
      for (let y = 1; y <= 6; y++) {
        // Each year the token runs one more step ahead; it is used once a month.
        for (let month = 0; month < 12; month++) {
          clock.now = T + (y - 1) * year + month * (year / 12)
          const step = Math.floor(clock.now / 30)
          const drift = y
          const code = totp(SECRET, { time: (step + drift) * 30 })
          const result = await verifier.verify('fob', code)
          expect(result).toEqual({ ok: true, type: 'totp', delta: drift, step: step + drift })
        }
      }
      expect((await verifier.inspect('fob')).drift).toBe(6)
      // A token that learnt nothing rejects a 2-step drift with the same window.
      expect(await naive.verifier.verify('fob', codeAt(2))).toMatchObject({ ok: false, reason: 'INVALID' })
    })

    it('bounds the learnt drift by policy.maxDrift', async () => {
      const { verifier, clock } = await setup({ window: 1, maxDrift: 2 })
      await verifier.enroll('fob', SECRET, { type: 'totp' })
      for (let drift = 1; drift <= 3; drift++) {
        clock.now = T + drift * 3600
        const step = Math.floor(clock.now / 30)
        const accepted = await verifier.verify('fob', totp(SECRET, { time: (step + drift) * 30 }))
        expect(accepted).toMatchObject({ ok: true })
      }
      expect((await verifier.inspect('fob')).drift).toBe(2)
      clock.now = T + 4 * 3600
      const step = Math.floor(clock.now / 30)
      expect(await verifier.verify('fob', totp(SECRET, { time: (step + 4) * 30 }))).toMatchObject({ reason: 'INVALID' })
    })

    it('locks after policy.maxFailures failures, for a doubling delay, and a success resets (RFC 4226 section 7.3)', async () => {
      const { verifier, clock } = await setup({ maxFailures: 3, lockSeconds: 60, maxLockSeconds: 200 })
      await verifier.enroll('bob', SECRET, { type: 'totp' })
      const wrong = (offset: number) => codeAt(offset + 7)
      expect(await verifier.verify('bob', wrong(0))).toEqual({ ok: false, reason: 'INVALID', failures: 1 })
      expect(await verifier.verify('bob', wrong(0))).toEqual({ ok: false, reason: 'INVALID', failures: 2 })
      const until = (T + 60) * 1000
      expect(await verifier.verify('bob', wrong(0))).toEqual({ ok: false, reason: 'INVALID', failures: 3, until })
      // Locked: even the right code is not looked at, and the lock does not grow.
      expect(await verifier.verify('bob', codeAt(0))).toEqual({ ok: false, reason: 'LOCKED', until })
      expect(await verifier.verify('bob', wrong(0))).toEqual({ ok: false, reason: 'LOCKED', until })
      expect(await verifier.inspect('bob')).toMatchObject({ failures: 3, lockedUntil: until })
      // The lock ends; one more failure locks twice as long, then the cap holds.
      clock.now = T + 60
      expect(await verifier.verify('bob', wrong(2))).toEqual({ ok: false, reason: 'INVALID', failures: 4, until: (T + 180) * 1000 })
      clock.now = T + 180
      expect(await verifier.verify('bob', wrong(6))).toEqual({ ok: false, reason: 'INVALID', failures: 5, until: (T + 380) * 1000 })
      clock.now = T + 380
      const step = Math.floor(clock.now / 30)
      expect(await verifier.verify('bob', totp(SECRET, { time: step * 30 }))).toMatchObject({ ok: true, step })
      expect(await verifier.inspect('bob')).toMatchObject({ failures: 0, lockedUntil: 0 })
    })

    it('resynchronises an HOTP token from consecutive codes once its lock has passed (RFC 4226 section 7.4)', async () => {
      const { verifier, clock } = await setup({ maxFailures: 2, lockSeconds: 3600, maxLockSeconds: 7200, resyncLookAhead: 500 })
      await verifier.enroll('hw', SECRET, { type: 'hotp' })
      await verifier.verify('hw', hotp(SECRET, 300))
      const until = (T + 3600) * 1000
      expect(await verifier.verify('hw', hotp(SECRET, 301))).toEqual({ ok: false, reason: 'INVALID', failures: 2, until })
      expect(await verifier.verify('hw', hotp(SECRET, 302))).toMatchObject({ reason: 'LOCKED' })
      // Locked: a resync is not even looked at, right codes or not.
      expect(await verifier.resync('hw', [hotp(SECRET, 310), hotp(SECRET, 311)])).toEqual({ ok: false, reason: 'LOCKED', until })
      expect(await verifier.inspect('hw')).toMatchObject({ counter: 0, failures: 2, lockedUntil: until })
      clock.now = T + 3600
      // Two codes that do not follow each other: no resync, one more failure, and a longer lock.
      const bad = await verifier.resync('hw', [hotp(SECRET, 310), hotp(SECRET, 312)])
      expect(bad).toEqual({ ok: false, reason: 'INVALID', failures: 3, until: (T + 3600 + 7200) * 1000 })
      clock.now = T + 3600 + 7200
      expect(await verifier.resync('hw', [hotp(SECRET, 310), hotp(SECRET, 311)])).toEqual({ ok: true, type: 'hotp', counter: 312 })
      expect(await verifier.inspect('hw')).toMatchObject({ counter: 312, failures: 0, lockedUntil: 0 })
      expect(await verifier.verify('hw', hotp(SECRET, 311))).toEqual({ ok: false, reason: 'REPLAYED' })
      expect(await verifier.verify('hw', hotp(SECRET, 312))).toMatchObject({ ok: true, counter: 312 })
      // Codes before the counter can never resync it backwards.
      expect(await verifier.resync('hw', [hotp(SECRET, 100), hotp(SECRET, 101)])).toMatchObject({ ok: false })
      expect((await verifier.inspect('hw')).counter).toBe(313)
    })

    it('throttles resync like verify: failures count, a lock holds, only unlock() lifts it early (RFC 4226 section 7.3)', async () => {
      const { verifier, clock } = await setup({ maxFailures: 3, lockSeconds: 60, resyncLookAhead: 100 })
      await verifier.enroll('hw', SECRET, { type: 'hotp' })
      const right = [hotp(SECRET, 50), hotp(SECRET, 51)]
      // Guesses, each one a failure, as many as a verification may make.
      const guesses = [
        ['000000', '111111'],
        ['222222', '333333'],
        ['444444', '555555'],
      ].map((codes) => codes.map((code) => (right.includes(code) ? '999999' : code)))
      expect(await verifier.resync('hw', guesses[0]!)).toEqual({ ok: false, reason: 'INVALID', failures: 1 })
      expect(await verifier.verify('hw', '000000')).toMatchObject({ reason: 'INVALID', failures: 2 })
      const until = (T + 60) * 1000
      expect(await verifier.resync('hw', guesses[1]!)).toEqual({ ok: false, reason: 'INVALID', failures: 3, until })
      // Locked: neither a further guess nor the right codes are looked at; the lock does not move.
      for (let i = 0; i < 20; i++) expect(await verifier.resync('hw', guesses[2]!)).toEqual({ ok: false, reason: 'LOCKED', until })
      expect(await verifier.resync('hw', right)).toEqual({ ok: false, reason: 'LOCKED', until })
      expect(await verifier.inspect('hw')).toMatchObject({ counter: 0, failures: 3, lockedUntil: until })
      // An administrator lifts the lock; the token's position is untouched.
      expect(await verifier.unlock('hw')).toMatchObject({ counter: 0, failures: 0, lockedUntil: 0 })
      expect(await verifier.resync('hw', right)).toEqual({ ok: true, type: 'hotp', counter: 52 })
      expect(await verifier.unlock('hw')).toMatchObject({ counter: 52, failures: 0, lockedUntil: 0 })
      expect((await rejected(verifier.unlock('nobody'))).code).toBe('UNKNOWN_TOKEN')
      // The same holds for TOTP, and a lock that has passed needs no unlock.
      await verifier.enroll('fob', SECRET, { type: 'totp' })
      for (const codes of guesses) await verifier.resync('fob', codes)
      expect(await verifier.resync('fob', [codeAt(0), codeAt(1)])).toEqual({ ok: false, reason: 'LOCKED', until })
      clock.now = T + 60
      expect(await verifier.resync('fob', [codeAt(2), codeAt(3)])).toMatchObject({ ok: true, type: 'totp', step: STEP + 3 })
    })

    it('asks a resync for at least 2 codes: one guessed code cannot unlock a token', async () => {
      const { verifier } = await setup()
      await verifier.enroll('hw', SECRET, { type: 'hotp' })
      expect((await rejected(verifier.resync('hw', [hotp(SECRET, 5)]))).code).toBe('INVALID_CODES')
      expect(await verifier.inspect('hw')).toMatchObject({ counter: 0, failures: 0 })
    })

    it('resynchronises a TOTP token that drifted out of the window, and learns its drift', async () => {
      const { verifier, clock } = await setup({ window: 1, maxDrift: 10 })
      await verifier.enroll('fob', SECRET, { type: 'totp' })
      expect(await verifier.verify('fob', codeAt(7))).toMatchObject({ reason: 'INVALID' })
      // The user reads one code, waits a step, reads the next one.
      const first = codeAt(7)
      clock.now += 30
      const second = codeAt(8)
      expect(await verifier.resync('fob', [first, second])).toEqual({ ok: true, type: 'totp', step: STEP + 8, drift: 7 })
      expect(await verifier.inspect('fob')).toMatchObject({ drift: 7, lastStep: STEP + 8, failures: 0 })
      expect(await verifier.verify('fob', second)).toEqual({ ok: false, reason: 'REPLAYED' })
      clock.now += 30
      expect(await verifier.verify('fob', codeAt(9))).toMatchObject({ ok: true, delta: 7 })
    })

    it('keeps secrets sealed at rest, and a wrong key is an error, never wrong codes', async () => {
      const { store, verifier } = await setup()
      const secret = new Uint8Array(32).map((_, i) => 0xa0 + i)
      await verifier.enroll('carol', secret, { type: 'hotp', digits: 8, algorithm: 'SHA256' })
      const raw = (await store.get('carol'))!
      expect(Number.isSafeInteger(raw.version)).toBe(true)
      expect(Buffer.from(raw.secret).includes(Buffer.from(secret.subarray(0, 8)))).toBe(false)
      expect(raw.params + raw.state).not.toContain(Buffer.from(secret).toString('hex').slice(0, 8))
      const stranger = createVerifier({ store, key: new Uint8Array(32).fill(8) })
      const error = await rejected(stranger.verify('carol', '12345678'))
      expect(error.code).toBe('DECRYPTION_FAILED')
      expect((await store.get('carol'))!.version).toBe(raw.version)
      expect(await verifier.verify('carol', hotp(secret, 0, { digits: 8, algorithm: 'SHA256' }))).toMatchObject({ ok: true })
    })

    it('verifyMany decides like verify, token by token, with an error in the slot of a bad request', async () => {
      const { verifier } = await setup()
      await verifier.enroll('t1', SECRET, { type: 'totp' })
      await verifier.enroll('t2', SECRET, { type: 'totp' })
      await verifier.enroll('h1', SECRET, { type: 'hotp' })
      await verifier.verify('t2', codeAt(0))
      const results = await verifier.verifyMany([
        { tokenId: 't1', code: codeAt(1) },
        { tokenId: 't2', code: codeAt(0) },
        { tokenId: 'ghost', code: '123456' },
        { tokenId: 'h1', code: hotp(SECRET, 2) },
        { tokenId: 'h1', code: hotp(SECRET, 2) },
        { tokenId: 'h1', code: hotp(SECRET, 0) },
        { tokenId: 't1', code: 42 as unknown as string },
        { tokenId: 't2', code: 'abcdef' },
      ])
      expect(results.slice(0, 2)).toEqual([
        { ok: true, type: 'totp', delta: 1, step: STEP + 1 },
        { ok: false, reason: 'REPLAYED' },
      ])
      expect(results[2]).toBeInstanceOf(OtpError)
      expect((results[2] as OtpError).code).toBe('UNKNOWN_TOKEN')
      // The same token twice in one batch: the second sees the first's update.
      expect(results.slice(3, 6)).toEqual([
        { ok: true, type: 'hotp', delta: 2, counter: 2 },
        { ok: false, reason: 'REPLAYED' },
        { ok: false, reason: 'REPLAYED' },
      ])
      expect((results[6] as OtpError).code).toBe('INVALID_CODE')
      expect(results[7]).toEqual({ ok: false, reason: 'INVALID', failures: 1 })
      expect(await verifier.inspect('h1')).toMatchObject({ counter: 3 })
    })

    it('enrolls each id once, inspects without the secret, and removes', async () => {
      const { verifier } = await setup()
      const info = await verifier.enroll('dan', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', { type: 'totp', period: 60, digits: 8 })
      expect(info).toEqual({
        id: 'dan',
        type: 'totp',
        algorithm: 'SHA1',
        digits: 8,
        period: 60,
        t0: 0,
        lastStep: null,
        drift: 0,
        failures: 0,
        lockedUntil: 0,
      })
      expect(await verifier.inspect('dan')).toEqual(info)
      expect((await rejected(verifier.enroll('dan', SECRET, { type: 'hotp' }))).code).toBe('TOKEN_EXISTS')
      expect(await verifier.remove('dan')).toBe(true)
      expect(await verifier.remove('dan')).toBe(false)
      expect((await rejected(verifier.verify('dan', '12345678'))).code).toBe('UNKNOWN_TOKEN')
    })

    it('never lands a write decided on a removed token on the token re-enrolled under its id', async () => {
      const { store, verifier } = await setup()
      await verifier.enroll('eve', SECRET, { type: 'hotp' })
      const old = (await store.get('eve'))!
      await verifier.remove('eve')
      await verifier.enroll('eve', SECRET, { type: 'hotp' })
      // A verification that read the old token now tries to write its decision.
      expect(await store.compareAndSet({ id: 'eve', version: old.version, state: old.state.replace('"0"', '"9"') })).toBe(false)
      expect(await verifier.inspect('eve')).toMatchObject({ counter: 0 })
    })

    it('refuses token ids that are not well-formed Unicode, at the verifier and at the store', async () => {
      const { store, verifier } = await setup()
      // UTF-8 has no lone surrogates: stores that keep ids as UTF-8 would make these two one id.
      for (const id of ['a\uD800', 'a\uDC00', '\uDFFFb', 'x\uD83D']) {
        expect((await rejected(verifier.enroll(id, SECRET, { type: 'totp' }))).code).toBe('INVALID_TOKEN_ID')
        expect((await rejected(verifier.verify(id, '123456'))).code).toBe('INVALID_TOKEN_ID')
        const stored = { id, secret: new Uint8Array([1]), params: 'p', state: 's', version: 1 }
        for (const call of [
          () => store.insert(stored),
          () => store.replace(stored),
          () => store.get(id),
          () => store.getMany(['ok', id]),
          () => store.compareAndSet({ id, version: 1, state: 's' }),
          () => store.compareAndSetMany([{ id, version: 1, state: 's' }]),
          () => store.delete(id),
        ]) {
          expect((await rejected(call())).code).toBe('INVALID_TOKEN_ID')
        }
      }
      expect(await store.get('a\uFFFD')).toBeNull()
      // A well-formed pair is a character like any other.
      await verifier.enroll('\uD83D\uDE00', SECRET, { type: 'hotp' })
      expect(await verifier.verify('\uD83D\uDE00', hotp(SECRET, 0))).toMatchObject({ ok: true })
    })

    it('replaces a token in one store operation: never missing, its old secret and state gone', async () => {
      const { store, verifier } = await setup()
      const other = new Uint8Array(20).fill(5)
      expect(await verifier.replace('rex', SECRET, { type: 'hotp', counter: 7 })).toEqual({
        replaced: false,
        token: expect.objectContaining({ id: 'rex', type: 'hotp', counter: 7 }),
      })
      expect(await verifier.verify('rex', hotp(SECRET, 7))).toMatchObject({ ok: true })
      for (let i = 0; i < 4; i++) await verifier.verify('rex', '000000')
      // Readers racing the replacement see the old token or the new one, never none.
      const seen: Array<string | null> = []
      let done = false
      const replacing = verifier.replace('rex', other, { type: 'totp', digits: 8 }).finally(() => (done = true))
      while (!done) seen.push((await store.get('rex'))?.params ?? null)
      expect(await replacing).toEqual({ replaced: true, token: expect.objectContaining({ type: 'totp', digits: 8, failures: 0 }) })
      expect(seen).not.toContain(null)
      expect(await verifier.inspect('rex')).toMatchObject({ type: 'totp', digits: 8, failures: 0, lastStep: null })
      expect(await verifier.verify('rex', totp(other, { time: T, digits: 8 }))).toMatchObject({ ok: true })
      expect(await store.delete('rex')).toBe(true)
    })

    it('refuses a state changed in the store, by anyone without the key: TOKEN_TAMPERED, never accepted', async () => {
      const { store, verifier } = await setup({ maxFailures: 2, lockSeconds: 3600 })
      await verifier.enroll('hw', SECRET, { type: 'hotp' })
      await verifier.enroll('fob', SECRET, { type: 'totp' })
      const fresh = (await store.get('hw'))!
      expect(await verifier.verify('hw', hotp(SECRET, 0))).toMatchObject({ ok: true })
      expect(await verifier.verify('fob', codeAt(0))).toMatchObject({ ok: true })
      const used = (await store.get('hw'))!
      expect(used.state).toContain('"1"')
      /** Writes `state` over the token the way an attacker with the store's credentials can. */
      const forge = async (id: string, edit: (state: string) => string) => {
        const now = (await store.get(id))!
        expect(await store.compareAndSet({ id, version: now.version, state: edit(now.state) })).toBe(true)
      }
      // The counter moved back: the used code must not come back to life.
      await forge('hw', (state) => state.replace('"1"', '"0"'))
      expect((await rejected(verifier.verify('hw', hotp(SECRET, 0)))).code).toBe('TOKEN_TAMPERED')
      expect((await rejected(verifier.inspect('hw'))).code).toBe('TOKEN_TAMPERED')
      // The state of the fresh token, MAC and all, put back at a later version.
      await forge('hw', () => fresh.state)
      expect((await rejected(verifier.verify('hw', hotp(SECRET, 0)))).code).toBe('TOKEN_TAMPERED')
      // Another token's state, moved over.
      const fob = (await store.get('fob'))!
      await forge('hw', () => fob.state)
      expect((await rejected(verifier.verify('hw', hotp(SECRET, 1)))).code).toBe('TOKEN_TAMPERED')
      // A lock lifted, or failures cleared, by hand.
      await verifier.verify('fob', '000000')
      expect(await verifier.verify('fob', '000000')).toMatchObject({ reason: 'INVALID', failures: 2 })
      await forge('fob', (state) => state.replace(/,2,\d+,/, ',0,0,'))
      expect((await rejected(verifier.verify('fob', codeAt(1)))).code).toBe('TOKEN_TAMPERED')
      const [batched] = await verifier.verifyMany([{ tokenId: 'fob', code: codeAt(1) }])
      expect((batched as OtpError).code).toBe('TOKEN_TAMPERED')
      expect(await verifier.inspect('hw').catch((error: OtpError) => error.code)).toBe('TOKEN_TAMPERED')
    })

    it('keeps 64-bit HOTP counters exact', async () => {
      const { verifier } = await setup({ lookAhead: 5 })
      const start = 2n ** 64n - 3n
      await verifier.enroll('big', SECRET, { type: 'hotp', counter: start })
      expect(await verifier.verify('big', hotp(SECRET, 2n ** 64n - 2n))).toEqual({
        ok: true,
        type: 'hotp',
        delta: 1,
        counter: 2n ** 64n - 2n,
      })
      expect(await verifier.verify('big', hotp(SECRET, 2n ** 64n - 1n))).toMatchObject({ ok: true, counter: 2n ** 64n - 1n })
      // The counter is exhausted: nothing more can be accepted.
      expect(await verifier.verify('big', hotp(SECRET, 0))).toMatchObject({ ok: false, reason: 'INVALID' })
    })

    it('of 1000 concurrent verifications of one code, accepts exactly one; the rest are REPLAYED', async () => {
      const { verifier } = await setup()
      await verifier.enroll('hot', SECRET, { type: 'totp' })
      await verifier.enroll('hw', SECRET, { type: 'hotp' })
      for (const [id, code] of [
        ['hot', codeAt(0)],
        ['hw', hotp(SECRET, 4)],
      ] as const) {
        const results = await Promise.all(Array.from({ length: 1000 }, () => verifier.verify(id, code)))
        expect(results.filter((r) => r.ok)).toHaveLength(1)
        expect(results.filter((r) => !r.ok && r.reason === 'REPLAYED')).toHaveLength(999)
      }
      expect(await verifier.inspect('hw')).toMatchObject({ counter: 5, failures: 0 })
    })
  })
}

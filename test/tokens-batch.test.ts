/**
 * Token objects in batches: verifyBatch / generateBatch records and BatchBuilder.addKey take a Totp or
 * Hotp where they take a secret, on every backend and across the pool, and answer as with the secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BatchBuilder, Hotp, OtpError, Totp, createEngine, type Engine, type VerifyRecord } from '../src/index.js'
import { BACKENDS, engineFor } from './helpers/backends.js'
import { ALGORITHMS, referenceHotp, rng } from './helpers/reference.js'

const TIME = 1_700_000_000
const STEP = BigInt(Math.floor(TIME / 30))

/** Records over 30 random keys, each given once as its token and once as its bytes. */
function cases(seed: number) {
  const r = rng(seed)
  const keys = Array.from({ length: 30 }, (_, k) => ({ key: r.bytes(r.pick([10, 20, 64, 65, 129])), algorithm: ALGORITHMS[k % 3]! }))
  const tokens = keys.map(({ key, algorithm }, k) => (k % 2 ? new Totp(key, { algorithm }) : new Hotp(key, { algorithm })))
  const plain: VerifyRecord[] = []
  const prepared: VerifyRecord[] = []
  for (let i = 0; i < 400; i++) {
    const k = r.int(0, keys.length - 1)
    const { key, algorithm } = keys[k]!
    const d = r.int(-2, 2)
    if (k % 2) {
      const code = referenceHotp(algorithm, key, STEP + BigInt(d), 6)
      plain.push({ secret: key, algorithm, code, time: TIME, window: 1 })
      prepared.push({ secret: tokens[k]!, code, time: TIME, window: 1 })
    } else {
      const counter = r.int(10, 1e9)
      const code = referenceHotp(algorithm, key, BigInt(counter + d), 6)
      plain.push({ secret: key, algorithm, code, counter, window: 1 })
      prepared.push({ secret: tokens[k]!, code, counter, window: 1 })
    }
  }
  return { keys, tokens, plain, prepared }
}

describe.each([...BACKENDS, 'pool'] as const)('%s engine: tokens in batches', (backend) => {
  let engine: Engine
  beforeAll(async () => {
    engine = backend === 'pool' ? await createEngine({ threads: 2 }) : await engineFor(backend)
  })
  afterAll(() => engine.close())

  it('verifies records with tokens as with their secrets', async () => {
    const { plain, prepared } = cases(0xb47)
    const want = await engine.verifyBatch(plain)
    expect(want.filter((x) => x !== null).length).toBeGreaterThan(100)
    expect(await engine.verifyBatch(prepared)).toEqual(want)
  })

  it('generates codes with tokens, taking the token digits, period and t0', async () => {
    const key = new TextEncoder().encode('12345678901234567890')
    const totp = new Totp(key, { digits: 8, period: 60, t0: 30 })
    const hotp = new Hotp(key, { digits: 7 })
    const got = await engine.generateBatch([
      { secret: totp, time: TIME },
      { secret: hotp, counter: 5 },
      { secret: hotp, counter: 5, digits: 6 },
    ])
    expect(got).toEqual([totp.at(TIME), hotp.at(5), referenceHotp('SHA1', key, 5n, 6)])
    expect(await engine.verifyBatch([{ secret: totp, code: totp.at(TIME), time: TIME }])).toEqual([0])
  })

  it('takes tokens in BatchBuilder.addKey, copied when added', async () => {
    const { keys, tokens } = cases(0xadd)
    const batch = new BatchBuilder()
    // More keys than records: the kernels pick the keys the records use, flags and all.
    for (let k = 0; k < 40; k++) batch.addKey(new Hotp(keys[k % keys.length]!.key))
    const copies = tokens.map((token) => new Hotp(keys[tokens.indexOf(token)]!.key, { algorithm: token.algorithm }))
    const indexes = copies.map((token) => batch.addKey(token))
    for (let k = 0; k < keys.length; k++)
      batch.addHotp(indexes[k]!, referenceHotp(keys[k]!.algorithm, keys[k]!.key, 41n, 6), 40, { window: 2 })
    // Disposed after adding: the builder holds its own copy.
    for (const token of copies) token.dispose()
    const { status, delta } = await engine.verifyColumns(batch)
    expect([...status]).toEqual(keys.map(() => 1))
    expect([...delta]).toEqual(keys.map(() => 1))
  })

  it('gives a bad token its own record error', async () => {
    const disposed = new Hotp('GEZDGNBVGY3TQOJQ')
    disposed.dispose()
    const sha256 = new Hotp('GEZDGNBVGY3TQOJQ', { algorithm: 'SHA256' })
    const results = await engine.verifyBatch([
      { secret: disposed, code: '123456', counter: 0 },
      { secret: sha256, algorithm: 'SHA1', code: '123456', counter: 0 },
      { secret: sha256, algorithm: 'SHA256', code: sha256.at(3), counter: 3 },
    ])
    expect(results[0]).toBeInstanceOf(OtpError)
    expect((results[0] as OtpError).code).toBe('DISPOSED')
    expect((results[1] as OtpError).code).toBe('INVALID_ALGORITHM')
    expect(results[2]).toBe(0)
  })
})

/**
 * verifier.enrollMany and verifier.exportTokens on every store (memory, SQLite, Redis, a 3-master
 * Redis Cluster): each entry enrolled or refused on its own, in order, nothing lost; exported tokens
 * make the same codes as the ones enrolled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OtpError, hotp, totp } from '../src/index.js'
import { buildPskc } from '../src/io/pskc/build.js'
import { parsePskc } from '../src/io/pskc/parse.js'
import {
  createMemoryStore,
  createRedisStore,
  createSqliteStore,
  createVerifier,
  type EnrollEntry,
  type TokenStore,
} from '../src/verifier/index.js'
import { startRedisCluster, type RedisCluster } from './helpers/redis-cluster.js'
import { useRedis } from './helpers/redis-server.js'
import { scratchFiles } from './stores/scratch.js'

const KEY = new Uint8Array(32).fill(3)
const T = 1_700_000_015
const file = scratchFiles('otp-bulk')
const server = useRedis()
let cluster: RedisCluster
beforeAll(async () => {
  cluster = await startRedisCluster()
}, 60_000)
afterAll(async () => cluster?.stop())

let n = 0
const STORES: Array<[string, () => Promise<TokenStore>]> = [
  ['memory', async () => createMemoryStore()],
  ['sqlite', () => createSqliteStore(file(`bulk-${++n}.db`))],
  ['redis', () => createRedisStore({ url: server.url, prefix: `bulk:${++n}:`, keysPerScript: 7 })],
  ['redis cluster', () => createRedisStore({ cluster: cluster.urls, prefix: `bulk:${++n}:` })],
]

/** A distinct 20-byte secret per index. */
const secretOf = (i: number) => Uint8Array.from({ length: 20 }, (_, j) => (i * 31 + j * 7) & 0xff)

describe.each(STORES)('enrollMany on the %s store', (_name, makeStore) => {
  it('enrols the good entries, reports each bad one in its place, keeps the order, and reports progress', async () => {
    const store = await makeStore()
    const verifier = createVerifier({ store, key: KEY, ownsStore: true, clock: () => T * 1000 })
    try {
      await verifier.enroll('taken', secretOf(999), { type: 'totp' })
      const entries: EnrollEntry[] = []
      for (let i = 0; i < 40; i++)
        entries.push({ tokenId: `t${i}`, secret: secretOf(i), params: i % 2 ? { type: 'hotp', counter: i } : { type: 'totp' } })
      const bad = new Map<number, string>([
        [3, 'TOKEN_EXISTS'], // the id enrolled before
        [11, 'INVALID_SECRET'],
        [17, 'INVALID_DIGITS'],
        [18, 'TOKEN_EXISTS'], // the id of an earlier entry of the same call
        [25, 'INVALID_TOKEN_ID'],
        [33, 'INVALID_OPTIONS'],
      ])
      entries[3] = { ...entries[3]!, tokenId: 'taken' }
      entries[11] = { ...entries[11]!, secret: new Uint8Array(0) }
      entries[17] = { ...entries[17]!, params: { type: 'totp', digits: 4 } }
      entries[18] = { ...entries[18]!, tokenId: 't5' }
      entries[25] = { ...entries[25]!, tokenId: '' }
      entries[33] = null as unknown as EnrollEntry
      const progress: number[] = []
      async function* stream() {
        yield* entries
      }
      const results = await verifier.enrollMany(stream(), { batchSize: 8, onProgress: (done) => progress.push(done) })
      expect(results).toHaveLength(40)
      results.forEach((result, i) => {
        const code = bad.get(i)
        if (code !== undefined) {
          expect(result, `entry ${i}`).toBeInstanceOf(OtpError)
          expect((result as OtpError).code, `entry ${i}`).toBe(code)
        } else {
          expect(result, `entry ${i}`).toMatchObject({ id: `t${i}` })
        }
      })
      expect(progress).toEqual([8, 16, 24, 32, 40])
      // The token under 'taken' is the first one, and t5 the one of entry 5.
      expect(await verifier.verify('taken', totp(secretOf(999), { time: T }))).toMatchObject({ ok: true })
      expect(await verifier.verify('t5', hotp(secretOf(5), 5))).toMatchObject({ ok: true })
      for (const i of [0, 1, 38, 39]) {
        const code = i % 2 ? hotp(secretOf(i), i) : totp(secretOf(i), { time: T })
        expect(await verifier.verify(`t${i}`, code), `t${i}`).toMatchObject({ ok: true })
      }
    } finally {
      await verifier.close()
    }
  })

  it('exports tokens with their secrets and positions, which a PSKC round trip keeps', async () => {
    const store = await makeStore()
    const verifier = createVerifier({ store, key: KEY, ownsStore: true, clock: () => T * 1000 })
    try {
      await verifier.enrollMany([
        { tokenId: 'a', secret: secretOf(1), params: { type: 'hotp', counter: 41, digits: 8, algorithm: 'SHA256' } },
        { tokenId: 'b', secret: secretOf(2), params: { type: 'totp', period: 60 } },
        { tokenId: 'c', secret: secretOf(3), params: { type: 'totp', t0: 30 } },
      ])
      expect(await verifier.verify('a', hotp(secretOf(1), 41, { digits: 8, algorithm: 'SHA256' }))).toMatchObject({ ok: true })
      const [a, b] = await verifier.exportTokens(['a', 'b'])
      expect(a).toMatchObject({ type: 'hotp', id: 'a', account: 'a', counter: 42, digits: 8, algorithm: 'SHA256' })
      expect(b).toMatchObject({ type: 'totp', id: 'b', account: 'b', period: 60, digits: 6, algorithm: 'SHA1' })
      expect(new Uint8Array(a!.secret)).toEqual(secretOf(1))
      const back = parsePskc(buildPskc([a!, b!], { password: 'pw', iterations: 1000 }), { password: 'pw' })
      expect(new Uint8Array(back[1]!.secret)).toEqual(secretOf(2))
      // All ids when none are given; no format carries t0, so c is refused, and no secret is handed out.
      expect((await verifier.exportTokens(['a', 'b', 'c']).catch((e: OtpError) => e)) as OtpError).toMatchObject({
        code: 'INVALID_OPTIONS',
      })
      expect((await verifier.exportTokens(['a', 'zz']).catch((e: OtpError) => e)) as OtpError).toMatchObject({ code: 'UNKNOWN_TOKEN' })
      await verifier.remove('c')
      expect((await verifier.exportTokens()).map((t) => t.id).sort()).toEqual(['a', 'b'])
    } finally {
      await verifier.close()
    }
  })
})

describe('enrollMany: sealing', () => {
  it('seals each secret under an IV of its own, across many draws of the IV pool', async () => {
    const store = createMemoryStore()
    const verifier = createVerifier({ store, key: KEY })
    const ids = Array.from({ length: 1000 }, (_, i) => `same-${i}`)
    await verifier.enrollMany(ids.map((tokenId) => ({ tokenId, secret: secretOf(7), params: { type: 'totp' as const } })))
    // A sealed secret is [format 1][key id 4][iv 12][ciphertext][tag 16].
    const ivs = new Set((await store.getMany(ids)).map((t) => Buffer.from(t!.secret.subarray(5, 17)).toString('hex')))
    expect(ivs.size).toBe(ids.length)
    await verifier.close()
  })
})

describe('enrollMany: bad calls', () => {
  it('refuses what is not an iterable, and bad options, as INVALID_OPTIONS', async () => {
    const verifier = createVerifier()
    await expect(verifier.enrollMany(42 as never)).rejects.toMatchObject({ code: 'INVALID_OPTIONS' })
    await expect(verifier.enrollMany([], { batchSize: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' })
    await expect(verifier.enrollMany([], { onProgress: 1 as never })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' })
    expect(await verifier.enrollMany([])).toEqual([])
    await verifier.close()
  })

  it('exports every token but one removed between the listing and the read; an id asked for is never skipped', async () => {
    const store = createMemoryStore()
    // The listing still names 'gone', as a store does for a token removed after its listing began.
    const listing: TokenStore = { ...store, ids: async () => [...(await store.ids()), 'gone'] }
    const verifier = createVerifier({ store: listing, key: KEY })
    await verifier.enrollMany([{ tokenId: 'kept', secret: secretOf(1), params: { type: 'totp' } }])
    expect((await verifier.exportTokens()).map((t) => t.id)).toEqual(['kept'])
    await expect(verifier.exportTokens(['kept', 'gone'])).rejects.toMatchObject({ code: 'UNKNOWN_TOKEN' })
  })
})

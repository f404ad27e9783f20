/**
 * The store behind a fleet on a Redis Cluster: createRedisStore({ cluster }) passes the same
 * behaviour suite as every other store (compare-and-set, batches in order, a token named twice,
 * replace, delete), over a real 3-master cluster whose tokens spread over all three nodes.
 */
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStore, createVerifier } from '../src/verifier/index.js'
import { startRedisCluster, type RedisCluster } from './helpers/redis-cluster.js'
import { KEY, SECRET, T, codeAt, describeStore } from './stores/behaviour.js'

let cluster: RedisCluster
beforeAll(async () => {
  cluster = await startRedisCluster()
}, 60_000)
afterAll(async () => {
  await cluster?.stop()
})

let stores = 0
describeStore('redis cluster', () => createRedisStore({ cluster: cluster.urls, prefix: `cluster:${++stores}:` }))

describe('redis cluster store', () => {
  it('spreads tokens over every master, and a verifier on one seed node sees what another wrote', async () => {
    const clock = () => T * 1000
    const one = await createRedisStore({ cluster: [cluster.urls[0]!], prefix: 'spread:' })
    const other = await createRedisStore({ cluster: [cluster.urls[2]!], prefix: 'spread:' })
    const first = createVerifier({ store: one, key: KEY, clock, ownsStore: true })
    const second = createVerifier({ store: other, key: KEY, clock, ownsStore: true })
    const ids = Array.from({ length: 30 }, (_, i) => `user-${i}`)
    for (const id of ids) await first.enroll(id, SECRET, { type: 'totp' })
    const results = await second.verifyMany(ids.map((tokenId) => ({ tokenId, code: codeAt(0) })))
    expect(results.every((result) => !(result instanceof Error) && result.ok)).toBe(true)
    expect(await first.verify('user-3', codeAt(0))).toEqual({ ok: false, reason: 'REPLAYED' })
    // Each master, asked alone, holds some of the tokens.
    const nodes = cluster.urls.map((url) => new Redis(url))
    try {
      const counts = await Promise.all(nodes.map((node) => node.keys('spread:*').then((keys) => keys.length)))
      expect(counts.every((count) => count > 0)).toBe(true)
      expect(counts.reduce((a, b) => a + b)).toBe(30)
    } finally {
      for (const node of nodes) node.disconnect()
      await first.close()
      await second.close()
    }
  })

  it('names the seed nodes, never their passwords, when the cluster cannot be reached', async () => {
    const error = await createRedisStore({ cluster: ['redis://:hunter2@127.0.0.1:1'], connectTimeout: 300 }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' })
    expect((error as Error).message).toContain('Redis Cluster at 127.0.0.1:1')
    expect((error as Error).message).not.toContain('hunter2')
  })
})

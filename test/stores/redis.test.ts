import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { createRedisStore, createVerifier } from '../../src/verifier/index.js'
import { useRedis } from '../helpers/redis-server.js'
import { KEY, SECRET, codeAt, describeStore } from './behaviour.js'

const server = useRedis()

// Each store gets a key prefix of its own on the one server, so tests never see each other's tokens.
let stores = 0
describeStore('redis', () => createRedisStore({ url: server.url, prefix: `test:${++stores}:` }))
// Batches split over many script calls must keep their order, a token named twice included.
describeStore('redis (3 keys per script call)', () =>
  createRedisStore({ url: server.url, prefix: `test:${++stores}:`, keysPerScript: 3 }),
)

describe('redis store: sharing', () => {
  it('works over a client the caller owns, and leaves it open', async () => {
    const client = new Redis(server.url)
    const store = await createRedisStore({ client, prefix: 'shared:' })
    const clock = () => 1_700_000_015_000
    await createVerifier({ store, key: KEY, clock }).enroll('alice', SECRET, { type: 'totp' })
    const other = await createRedisStore({ url: server.url, prefix: 'shared:' })
    expect(await createVerifier({ store: other, key: KEY, clock }).verify('alice', codeAt(0))).toMatchObject({ ok: true })
    expect(await createVerifier({ store, key: KEY, clock }).verify('alice', codeAt(0))).toEqual({ ok: false, reason: 'REPLAYED' })
    await store.close()
    await other.close()
    expect(await client.exists('shared:alice')).toBe(1)
    await client.quit()
  })
})

import { Redis } from 'ioredis'
import { execFile } from 'node:child_process'
import { describe, expect, it, vi } from 'vitest'
import { OtpError, hotp } from '../../src/index.js'
import { createRedisStore, createVerifier } from '../../src/verifier/index.js'
import { startRedis, useRedis } from '../helpers/redis-server.js'
import { KEY, SECRET, T, codeAt, describeStore, rejected } from './behaviour.js'

const server = useRedis()

// Each store gets a key prefix of its own on the one server, so tests never see each other's tokens.
let stores = 0
describeStore('redis', () => createRedisStore({ url: server.url, prefix: `test:${++stores}:` }))
// Batches split over many script calls must keep their order, a token named twice included.
describeStore('redis (3 keys per script call)', () => createRedisStore({ url: server.url, prefix: `test:${++stores}:`, keysPerScript: 3 }))

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

describe('redis store: versions', () => {
  it('a compare-and-set moves a version of any size the verifier makes (up to 2^40 and far past) up by exactly one', async () => {
    const store = await createRedisStore({ url: server.url, prefix: `test:${++stores}:` })
    const versions = [1, 2 ** 40 - 1, 2 ** 40 + 12_345, 99_999_999_999_999, 2 ** 53 - 2]
    for (const [i, version] of versions.entries()) {
      await store.insert({ id: `v${i}`, secret: new Uint8Array([1, 2, 3]), params: '{}', state: 'a', version })
      expect(await store.compareAndSet({ id: `v${i}`, version, state: 'b' })).toBe(true)
      expect((await store.get(`v${i}`))!.version).toBe(version + 1)
      expect(await store.compareAndSet({ id: `v${i}`, version, state: 'c' })).toBe(false)
    }
    await store.close()
  })
})

const worker = (name: string) => new URL(`./workers/${name}`, import.meta.url).pathname

/** Runs a worker script through tsx; it must end by itself within `ms`, and its stdout is JSON. */
function runWorker(name: string, args: string[], ms = 15_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', worker(name), ...args], { timeout: ms }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${name} did not end by itself: ${error.message}\n${stderr}`))
      else resolve({ ...JSON.parse(stdout), stderr })
    })
  })
}

describe('redis store: outages', () => {
  it('fails calls with STORE_UNAVAILABLE while Redis is down, prints nothing, and recovers by itself', async () => {
    const own = await startRedis()
    const printed = vi.spyOn(console, 'error')
    const store = await createRedisStore({ url: own.url, prefix: 'outage:' })
    const verifier = createVerifier({ store, key: KEY, clock: () => T * 1000, ownsStore: true })
    try {
      await verifier.enroll('hw', SECRET, { type: 'hotp' })
      expect(await verifier.verify('hw', hotp(SECRET, 0))).toMatchObject({ ok: true })
      await own.stop()
      for (let i = 0; i < 32; i++) {
        const error = await rejected(verifier.verify('hw', hotp(SECRET, 1)))
        expect(error.code).toBe('STORE_UNAVAILABLE')
        expect(error.message).toContain(`127.0.0.1:${own.port}`)
      }
      expect(await rejected(verifier.verifyMany([{ tokenId: 'hw', code: '123456' }]))).toBeInstanceOf(OtpError)
      // Back, on the same port (empty: this server keeps nothing on disk); the store reconnects on its own.
      const again = await startRedis(own.port)
      try {
        let outcome: unknown
        for (let attempt = 0; attempt < 200; attempt++) {
          outcome = await verifier.enroll('hw', SECRET, { type: 'hotp' }).catch((error: OtpError) => error.code)
          if (outcome !== 'STORE_UNAVAILABLE') break
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        expect(outcome).toMatchObject({ id: 'hw' })
        expect(await verifier.verify('hw', hotp(SECRET, 0))).toMatchObject({ ok: true })
      } finally {
        await verifier.close()
        await again.stop()
      }
      expect(printed).not.toHaveBeenCalled()
    } finally {
      printed.mockRestore()
    }
  })

  it('rejects createRedisStore without a server within connectTimeout, naming host and port, and leaves nothing running', async () => {
    const port = await startRedis().then(async (s) => (await s.stop(), s.port))
    const outcome = (await runWorker('redis-absent.mjs', [`redis://otp:hunter2-secret@127.0.0.1:${port}/0`, '300'])) as Record<
      string,
      unknown
    >
    expect(outcome).toMatchObject({ name: 'OtpError', code: 'STORE_UNAVAILABLE' })
    expect(outcome.message).toContain(`127.0.0.1:${port}`)
    expect(outcome.message).not.toContain('hunter2')
    expect(outcome.stderr).toBe('')
  })

  it('closes an idle store: close() settles before the process may exit', async () => {
    const outcome = await runWorker('close-idle-store.mjs', [`redis:${server.url}|close:`, Buffer.from(KEY).toString('hex')])
    expect(outcome).toMatchObject({ closed: true, stderr: '' })
  })

  it('leaves the process free to exit while the store is idle, never closed', async () => {
    const outcome = await runWorker('idle-store.mjs', [`redis:${server.url}|idle:`, Buffer.from(KEY).toString('hex')])
    expect(outcome).toMatchObject({ ok: false, reason: 'INVALID', stderr: '' })
  })
})

describe('redis store: state at rest', () => {
  it('refuses a token whose hash was edited in Redis: TOKEN_TAMPERED', async () => {
    const client = new Redis(server.url)
    const store = await createRedisStore({ url: server.url, prefix: 'edit:' })
    const verifier = createVerifier({ store, key: KEY, clock: () => T * 1000, policy: { maxFailures: 1, lockSeconds: 600 } })
    await verifier.enroll('hw', SECRET, { type: 'hotp' })
    await verifier.enroll('locked', SECRET, { type: 'hotp' })
    expect(await verifier.verify('hw', hotp(SECRET, 0))).toMatchObject({ ok: true })
    expect(await verifier.verify('locked', '000000')).toMatchObject({ reason: 'INVALID', until: (T + 600) * 1000 })
    const hw = (await client.hget('edit:hw', 'state'))!
    await client.hset('edit:hw', 'state', hw.replace('"1"', '"0"'))
    const locked = (await client.hget('edit:locked', 'state'))!
    await client.hset('edit:locked', 'state', locked.replace(/,1,\d+,/, ',0,0,'))
    // The version is part of what the MAC covers too.
    await verifier.enroll('bumped', SECRET, { type: 'hotp' })
    await client.hincrby('edit:bumped', 'version', 1)
    for (const [id, code] of [
      ['hw', hotp(SECRET, 0)],
      ['locked', hotp(SECRET, 0)],
      ['bumped', hotp(SECRET, 0)],
    ] as const) {
      expect((await rejected(verifier.verify(id, code))).code, id).toBe('TOKEN_TAMPERED')
    }
    await store.close()
    await client.quit()
  })
})

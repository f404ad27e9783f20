/**
 * A fleet of `otp serve` processes over one store: three instances over one Redis, and three over a
 * real 3-master Redis Cluster. 1,000 concurrent uses of one valid code, spread across the instances,
 * are accepted exactly once; an instance killed mid-load leaves the others answering; readiness
 * follows the store.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { base32Encode, hotp } from '../src/index.js'
import { startRedisCluster, type RedisCluster } from './helpers/redis-cluster.js'
import { startRedis, type RedisServer } from './helpers/redis-server.js'
import { makeKey, startServer, type ServerProcess } from './helpers/service-process.js'

const dir = mkdtempSync(join(tmpdir(), 'otp-fleet-'))
const KEYS = join(dir, 'keys.json')
const STORE_KEY = join(dir, 'store.key')
let apiKey: string
let redis: RedisServer
let cluster: RedisCluster
const fleets: Record<string, ServerProcess[]> = {}

beforeAll(async () => {
  writeFileSync(STORE_KEY, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 })
  apiKey = await makeKey(dir, KEYS, 'idp', 'verify,admin')
  ;[redis, cluster] = await Promise.all([startRedis(), startRedisCluster()])
  const common = ['--port', '0', '--api-keys', KEYS, '--key-file', STORE_KEY, '--log-level', 'warn']
  const start = (store: string[]) => Array.from({ length: 3 }, () => startServer([...common, ...store], dir))
  const servers = await Promise.all([...start(['--redis', redis.url]), ...start(['--redis-cluster', cluster.urls.join(',')])])
  fleets.redis = servers.slice(0, 3)
  fleets.cluster = servers.slice(3)
}, 90_000)

afterAll(async () => {
  await Promise.all(
    Object.values(fleets)
      .flat()
      .map((server) => server.stop('SIGKILL')),
  )
  await Promise.all([redis?.stop(), cluster?.stop()])
  rmSync(dir, { recursive: true, force: true })
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function post(server: ServerProcess, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(server.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: response.status, json: await response.json() }
}

describe.each(['redis', 'cluster'])('a fleet of three instances over %s', (kind) => {
  const secret = Uint8Array.from(randomBytes(20))

  it('accepts one valid code exactly once among 1,000 concurrent verifications spread across the fleet', async () => {
    const fleet = fleets[kind]!
    expect((await post(fleet[0]!, '/v1/tokens', { id: 'shared', type: 'hotp', secret: base32Encode(secret) })).status).toBe(201)
    // Tokens of many hash slots, so that the cluster's three masters all take part.
    for (let i = 0; i < 12; i++)
      expect((await post(fleet[i % 3]!, '/v1/tokens', { id: `user-${i}`, type: 'hotp', secret: base32Encode(secret) })).status).toBe(201)
    const code = hotp(secret, 0)
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => post(fleet[i % 3]!, '/v1/verify', { id: 'shared', code })))
    expect(results.every((result) => result.status === 200)).toBe(true)
    expect(results.filter((result) => result.json.ok === true)).toHaveLength(1)
    expect(results.filter((result) => result.json.reason === 'REPLAYED')).toHaveLength(999)
    // Every instance sees the one state: the next code is the one expected.
    const others = await Promise.all(
      Array.from({ length: 12 }, (_, i) => post(fleet[(i + 1) % 3]!, '/v1/verify', { id: `user-${i}`, code })),
    )
    expect(others.map((result) => result.json.ok)).toEqual(Array(12).fill(true))
  })

  it('keeps answering on the other instances when one is killed mid-load', async () => {
    const fleet = fleets[kind]!
    const code = hotp(secret, 0)
    const answered = [0, 0, 0]
    const failed = [0, 0, 0]
    let killed = false
    let stopped: Promise<unknown> = Promise.resolve()
    for (let wave = 0; wave < 10; wave++) {
      if (wave === 4) {
        // In the middle of this wave's requests.
        stopped = new Promise((resolve) => setTimeout(resolve, 5)).then(() => {
          killed = true
          return fleet[2]!.stop('SIGKILL')
        })
      }
      await Promise.all(
        Array.from({ length: 60 }, async (_, i) => {
          const target = i % 3
          try {
            const result = await post(fleet[target]!, '/v1/verify', { id: 'shared', code })
            expect(result).toEqual({ status: 200, json: { ok: false, reason: 'REPLAYED' } })
            answered[target]!++
          } catch (error) {
            // Only the killed instance may fail, and only once killed.
            expect(target === 2 && killed, String(error)).toBe(true)
            failed[target]!++
          }
        }),
      )
      await stopped
    }
    expect(answered[0]).toBe(200)
    expect(answered[1]).toBe(200)
    expect(answered[2]! + failed[2]!).toBe(200)
    expect(failed[2]).toBeGreaterThanOrEqual(100)
    expect(failed.slice(0, 2)).toEqual([0, 0])
  })
})

describe('readiness follows the store', () => {
  it('answers /readyz 503 STORE_UNAVAILABLE while Redis is down, /healthz still 200', async () => {
    const server = fleets.redis![0]!
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
    await redis.stop()
    const ready = await fetch(`${server.url}/readyz`)
    expect(ready.status).toBe(503)
    expect(await ready.json()).toMatchObject({ error: { code: 'STORE_UNAVAILABLE' } })
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    const verify = await post(server, '/v1/verify', { id: 'shared', code: '123456' })
    expect(verify).toMatchObject({ status: 503, json: { error: { code: 'STORE_UNAVAILABLE' } } })
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(metrics).toMatch(/^otp_store_errors_total\{code="STORE_UNAVAILABLE"\} [1-9]/m)
    // Logged as an error, by its code and message, without a stack.
    const failed = server
      .log()
      .split('\n')
      .filter((line) => line.includes('"request failed"'))
    expect(failed.length).toBeGreaterThan(0)
    expect(failed[0]).toContain('"errorCode":"STORE_UNAVAILABLE"')
    expect(failed[0]).not.toContain('stack')
  })
})

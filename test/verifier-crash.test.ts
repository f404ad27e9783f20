/**
 * Crash safety: a process killed (SIGKILL) in the middle of a verifyMany leaves every token either
 * updated or untouched, never half-written, and loses no enrolled token.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { describe, expect, it } from 'vitest'
import { OtpError, randomSecret, totp } from '../src/index.js'
import { createRedisStore, createSqliteStore, createVerifier, type StoredToken, type TokenStore } from '../src/verifier/index.js'
import { useRedis } from './helpers/redis-server.js'
import { scratchFiles } from './stores/scratch.js'
import { KEY, STEP, T } from './stores/behaviour.js'

const VICTIM = new URL('./stores/workers/verify-many.mjs', import.meta.url).pathname
const TOKENS = 4000
const BATCH = 10

const server = useRedis()
const file = scratchFiles('otp-crash')

const ids = Array.from({ length: TOKENS }, (_, i) => `user-${i}`)

/** Starts the victim on `where`, kills it once some tokens are updated, and returns how it ended. */
async function killMidway(
  where: string,
  store: TokenStore,
  first: Array<StoredToken | null>,
  requests: Array<{ tokenId: string; code: string }>,
) {
  const victim = spawn(
    process.execPath,
    ['--import', 'tsx', VICTIM, where, Buffer.from(KEY).toString('hex'), String(T * 1000), String(BATCH)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  const exited = once(victim, 'exit')
  let output = ''
  victim.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  victim.stdin!.end(JSON.stringify(requests))
  // Watch the store from here until the victim's first chunks have landed, then kill it.
  for (let polls = 0; polls < 10_000 && victim.exitCode === null; polls++) {
    const tokens = await store.getMany(ids)
    if (tokens.some((token, i) => token!.version !== first[i]!.version)) break
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
  victim.kill('SIGKILL')
  await exited
  return { signal: victim.signalCode, output }
}

const stores: Array<[string, () => Promise<{ where: string; store: TokenStore }>]> = [
  [
    'SQLite',
    async () => {
      const path = file('crash.db')
      return { where: `sqlite:${path}`, store: await createSqliteStore(path, { durability: 'normal' }) }
    },
  ],
  ['Redis', async () => ({ where: `redis:${server.url}|crash:`, store: await createRedisStore({ url: server.url, prefix: 'crash:' }) })],
]

describe.each(stores)('a %s store under a killed verifyMany', (_, open) => {
  it('holds every token whole: updated or untouched, none lost', async () => {
    const { where, store } = await open()
    const verifier = createVerifier({ store, key: KEY, clock: () => T * 1000 })
    const secrets = ids.map(() => randomSecret())
    for (let i = 0; i < TOKENS; i++) await verifier.enroll(ids[i]!, secrets[i]!, { type: 'totp' })
    const before = await store.getMany(ids)
    const codes = secrets.map((secret) => totp(secret, { time: T }))

    const { signal, output } = await killMidway(
      where,
      store,
      before,
      ids.map((tokenId, i) => ({ tokenId, code: codes[i]! })),
    )
    expect(output).toContain('started')
    expect(signal, 'the victim finished before it could be killed').toBe('SIGKILL')

    const after = await store.getMany(ids)
    let updated = 0
    let untouched = 0
    after.forEach((token, i) => {
      expect(token, `token ${ids[i]} was lost`).not.toBeNull()
      expect(token!.secret).toEqual(before[i]!.secret)
      expect(token!.params).toBe(before[i]!.params)
      if (token!.version === before[i]!.version) {
        expect(token!.state).toBe(before[i]!.state)
        untouched++
      } else {
        expect(token!.version).toBe(before[i]!.version + 1)
        updated++
      }
    })
    expect(updated).toBeGreaterThan(0)
    expect(untouched).toBeGreaterThan(0)

    // The state of an updated token is the whole update: its code is now a replay, the next step's is fine.
    const again = await verifier.verifyMany(ids.map((tokenId, i) => ({ tokenId, code: codes[i]! })))
    again.forEach((result, i) => {
      expect(result).not.toBeInstanceOf(OtpError)
      expect(result).toEqual(
        after[i]!.version !== before[i]!.version ? { ok: false, reason: 'REPLAYED' } : { ok: true, type: 'totp', delta: 0, step: STEP },
      )
    })
    for (const i of [0, TOKENS - 1]) expect(await verifier.inspect(ids[i]!)).toMatchObject({ lastStep: STEP, failures: 0 })
    await store.close()
  })
})

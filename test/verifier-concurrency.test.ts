/**
 * Of 1,000 concurrent verifications of one valid code, spread over several worker processes that share
 * one SQLite file or one Redis, exactly one is accepted and the others are REPLAYED.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { describe, expect, it } from 'vitest'
import { hotp } from '../src/index.js'
import { createRedisStore, createSqliteStore, createVerifier, type TokenStore } from '../src/verifier/index.js'
import { useRedis } from './helpers/redis-server.js'
import { scratchFiles } from './stores/scratch.js'
import { KEY, SECRET, T, codeAt } from './stores/behaviour.js'

const RACER = new URL('./stores/workers/verify-race.mjs', import.meta.url).pathname
const PROCESSES = 4
const PER_PROCESS = 250

const server = useRedis()
const file = scratchFiles('otp-race')

/** Runs the racers against `where` and adds up their outcomes. */
async function race(where: string, tokenId: string, code: string): Promise<Record<string, number>> {
  const args = [where, Buffer.from(KEY).toString('hex'), String(T * 1000), tokenId, code, String(PER_PROCESS)]
  const racers: ChildProcess[] = Array.from({ length: PROCESSES }, () =>
    fork(RACER, args, { stdio: 'inherit', execArgv: ['--import', 'tsx'] }),
  )
  try {
    // Every racer opens its store first, so that all of them start at once.
    await Promise.all(racers.map((racer) => once(racer, 'message')))
    const reports = racers.map((racer) => once(racer, 'message'))
    for (const racer of racers) racer.send('go')
    const total: Record<string, number> = {}
    for (const [report] of await Promise.all(reports)) {
      for (const [outcome, n] of Object.entries((report as { tally: Record<string, number> }).tally)) {
        total[outcome] = (total[outcome] ?? 0) + n
      }
    }
    return total
  } finally {
    await Promise.all(racers.map((racer) => (racer.exitCode === null ? once(racer, 'exit') : undefined)))
  }
}

const stores: Array<[string, () => string, (where: string) => Promise<TokenStore>]> = [
  ['one SQLite file', () => `sqlite:${file('race.db')}`, (where) => createSqliteStore(where.slice(7))],
  ['one Redis', () => `redis:${server.url}|race:`, () => createRedisStore({ url: server.url, prefix: 'race:' })],
]

describe.each(stores)(`%s shared by ${PROCESSES} processes`, (_, location, open) => {
  it(`accepts one of ${PROCESSES * PER_PROCESS} concurrent uses of a TOTP code and an HOTP code`, async () => {
    const where = location()
    const store = await open(where)
    const verifier = createVerifier({ store, key: KEY, clock: () => T * 1000 })
    await verifier.enroll('totp-user', SECRET, { type: 'totp' })
    await verifier.enroll('hotp-user', SECRET, { type: 'hotp' })
    try {
      expect(await race(where, 'totp-user', codeAt(0))).toEqual({ ok: 1, REPLAYED: PROCESSES * PER_PROCESS - 1 })
      expect(await race(where, 'hotp-user', hotp(SECRET, 3))).toEqual({ ok: 1, REPLAYED: PROCESSES * PER_PROCESS - 1 })
      expect(await verifier.inspect('hotp-user')).toMatchObject({ counter: 4, failures: 0 })
      expect(await verifier.inspect('totp-user')).toMatchObject({ lastStep: Math.floor(T / 30), failures: 0 })
    } finally {
      await store.close()
    }
  })
})

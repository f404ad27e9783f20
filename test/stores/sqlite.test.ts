import Database from 'better-sqlite3'
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { OtpError } from '../../src/index.js'
import { createSqliteStore, createVerifier } from '../../src/verifier/index.js'
import { KEY, SECRET, codeAt, describeStore, rejected } from './behaviour.js'
import { scratchFiles } from './scratch.js'

const file = scratchFiles('otp-sqlite')
let files = 0
const nextFile = () => file(`tokens-${++files}.db`)

describeStore('sqlite', () => createSqliteStore(nextFile()))

describe('sqlite store: the file', () => {
  it('keeps tokens and their state across reopening', async () => {
    const file = nextFile()
    const clock = () => 1_700_000_015_000
    const first = await createSqliteStore(file)
    await createVerifier({ store: first, key: KEY, clock }).enroll('alice', SECRET, { type: 'totp' })
    expect(await createVerifier({ store: first, key: KEY, clock }).verify('alice', codeAt(0))).toMatchObject({ ok: true })
    await first.close()
    const again = await createSqliteStore(file)
    const verifier = createVerifier({ store: again, key: KEY, clock })
    expect(await verifier.verify('alice', codeAt(0))).toEqual({ ok: false, reason: 'REPLAYED' })
    expect(await verifier.inspect('alice')).toMatchObject({ lastStep: Math.floor(1_700_000_015 / 30) })
    await again.close()
  })

  it('refuses a bad path or table name with an OtpError', async () => {
    await expect(createSqliteStore('')).rejects.toThrow(OtpError)
    await expect(createSqliteStore(nextFile(), { table: 'x; DROP TABLE y' })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' })
  })

  it('names the path of a database it cannot open: a folder, a missing folder, not a database, no permission', async () => {
    const folder = dirname(nextFile())
    const notDb = nextFile()
    writeFileSync(notDb, 'not a database, but long enough to have a header of sorts....................................')
    // /proc takes no new files, whoever asks (root included, who may write anywhere else).
    const unwritable = process.platform === 'linux' ? ['/proc/otp-tokens.db'] : []
    for (const path of [folder, join(folder, 'missing', 'tokens.db'), notDb, ...unwritable]) {
      const error = await rejected(createSqliteStore(path))
      expect(error.code).toBe('STORE_UNAVAILABLE')
      expect(error.message).toContain(path)
    }
  })

  it.skipIf(process.getuid?.() === 0)('names the path of a database it may not write', async () => {
    const folder = join(dirname(nextFile()), 'locked')
    mkdirSync(folder, { mode: 0o500 })
    const error = await rejected(createSqliteStore(join(folder, 'tokens.db')))
    expect(error.code).toBe('STORE_UNAVAILABLE')
    expect(error.message).toContain(folder)
  })

  it("waits for another connection's lock without blocking the event loop", async () => {
    const file = nextFile()
    const store = await createSqliteStore(file, { busyTimeout: 2000 })
    const verifier = createVerifier({ store, key: KEY, clock: () => 1_700_000_015_000 })
    await verifier.enroll('alice', SECRET, { type: 'totp' })
    const other = new Database(file)
    other.exec('BEGIN EXCLUSIVE')
    // Only a timer can let the other connection go: the verification succeeds only if timers keep firing
    // while it waits (a busy wait inside the driver would hold this thread until busyTimeout).
    let ticks = 0
    const timer = setInterval(() => {
      if (++ticks === 5) other.exec('COMMIT')
    }, 5)
    try {
      expect(await verifier.verify('alice', codeAt(0))).toMatchObject({ ok: true })
      expect(ticks).toBeGreaterThanOrEqual(5)
    } finally {
      clearInterval(timer)
      if (other.inTransaction) other.exec('ROLLBACK')
      other.close()
      await store.close()
    }
  })

  it('leaves the process free to exit while the store is idle, never closed', () => {
    const worker = new URL('./workers/idle-store.mjs', import.meta.url).pathname
    const output = execFileSync(process.execPath, ['--import', 'tsx', worker, `sqlite:${nextFile()}`, Buffer.from(KEY).toString('hex')], {
      encoding: 'utf8',
      timeout: 15_000,
    })
    expect(JSON.parse(output)).toMatchObject({ ok: false, reason: 'INVALID', failures: 1 })
  })

  it('fails the calls after close() with STORE_UNAVAILABLE, and a verifier with ownsStore closes it', async () => {
    const store = await createSqliteStore(nextFile())
    const verifier = createVerifier({ store, key: KEY, ownsStore: true })
    await verifier.enroll('alice', SECRET, { type: 'totp' })
    await verifier.close()
    expect((await rejected(store.get('alice'))).code).toBe('STORE_UNAVAILABLE')
    const kept = await createSqliteStore(nextFile())
    await createVerifier({ store: kept, key: KEY }).close()
    expect(await kept.get('alice')).toBeNull()
    await kept.close()
  })

  it('reports a database another connection keeps locked as STORE_CONFLICT, and writes nothing', async () => {
    const file = nextFile()
    const store = await createSqliteStore(file, { busyTimeout: 20 })
    const verifier = createVerifier({ store, key: KEY, clock: () => 1_700_000_015_000 })
    await verifier.enroll('alice', SECRET, { type: 'totp' })
    const other = new Database(file)
    other.exec('BEGIN IMMEDIATE')
    try {
      await expect(verifier.verify('alice', codeAt(0))).rejects.toMatchObject({ code: 'STORE_CONFLICT' })
    } finally {
      other.exec('ROLLBACK')
      other.close()
    }
    expect(await verifier.verify('alice', codeAt(0))).toMatchObject({ ok: true })
    await store.close()
  })
})

import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { OtpError } from '../../src/index.js'
import { createSqliteStore, createVerifier } from '../../src/verifier/index.js'
import { KEY, SECRET, codeAt, describeStore } from './behaviour.js'
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

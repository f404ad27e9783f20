/**
 * `otp enroll`, `otp check` and `otp remove` as a user runs them: spawned processes over a token
 * database in a temporary folder, the store key from a key file, OTP_STORE_KEY or --key-file.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { base32Decode, hotp, parseUri, totp } from '../src/index.js'
import { DEFAULT_VERIFIER_POLICY } from '../src/verifier/index.js'
import { OTP_MAIN, otp, type Run } from './helpers/cli.js'
import { UNBUILT_SQLITE_HOOK, unbuiltSqlite } from './stores/unbuilt-sqlite.js'

const RFC_SECRET = '12345678901234567890' // RFC 4226 appendix D
const RFC_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/

let root: string

beforeAll(() => {
  // The commands read these; the tests set them only where they mean to.
  delete process.env.OTP_DB
  delete process.env.OTP_STORE_KEY
  root = mkdtempSync(join(tmpdir(), 'otp-cli-verifier-'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** A database path in a folder of its own, and the --db option naming it. */
function makeDb(): { dir: string; db: string; opt: string[] } {
  const dir = mkdtempSync(join(root, 'db-'))
  const db = join(dir, 'tokens.db')
  return { dir, db, opt: ['--db', db] }
}

/** Runs `otp ARGS` with extra environment variables (read when the process is spawned). */
function otpWith(env: Record<string, string>, args: string[]): Promise<Run> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]))
  Object.assign(process.env, env)
  try {
    return otp(args)
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

async function expectRun(run: Promise<Run>, status: number, stdout: RegExp | string, stderr?: RegExp): Promise<Run> {
  const result = await run
  expect(result.status, result.stderr).toBe(status)
  if (typeof stdout === 'string') expect(result.stdout).toBe(stdout)
  else expect(result.stdout).toMatch(stdout)
  if (stderr !== undefined) expect(result.stderr).toMatch(stderr)
  return result
}

/** A 6-digit code that matches none of the steps within `span` of now. */
function wrongTotp(secret: string, span = 4): string {
  const now = Date.now() / 1000
  const near = new Set(Array.from({ length: 2 * span + 1 }, (_, i) => totp(secret, { time: now + (i - span) * 30 })))
  return ['000000', '111111', '222222', '333333', '444444', '555555', '666666', '777777', '888888', '999999', '123456'].find(
    (code) => !near.has(code),
  )!
}

describe('otp enroll, check, remove: help', () => {
  it.each(['enroll', 'check', 'remove'])('has --help and a line in the overview for %s', async (name) => {
    const run = await otp([name, '--help'])
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(new RegExp(`^Usage: otp ${name}`))
    expect(run.stdout).toContain('Exit status:')
    expect((await otp([])).stderr).toContain(`  ${name} `)
  })
})

describe('otp enroll and otp check: TOTP', () => {
  it('enrols a new secret, prints it once, and accepts its code once', async () => {
    const { db, opt } = makeDb()
    const enrolled = await expectRun(otp(['enroll', 'alice', ...opt]), 0, /^[A-Z2-7]{32}\n$/)
    const secret = enrolled.stdout.trim()
    expect(base32Decode(secret)).toHaveLength(20)
    // The key file made for the new database: 0600, named on stderr, its content never printed.
    const keyFile = `${db}.key`
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    const keyText = readFileSync(keyFile, 'utf8').trim()
    expect(keyText).toMatch(/^[0-9a-f]{64}$/)
    expect(enrolled.stderr).toContain(`created the store key ${keyFile}`)
    expect(enrolled.stderr).toContain('enrolled "alice"')
    expect(enrolled.stderr + enrolled.stdout).not.toContain(keyText)

    const code = totp(secret)
    const valid = await expectRun(otp(['check', 'alice', code, ...opt]), 0, /^valid: time step \d+ \(delta (0|-1|\+1)\)\n$/)
    expect(valid.stdout + valid.stderr).not.toContain(secret)
    await expectRun(otp(['check', 'alice', code, ...opt]), 1, 'replayed\n', /already accepted/)
  })

  it('answers a wrong code with invalid, and locks after the policy failures', async () => {
    const { opt } = makeDb()
    await expectRun(otp(['enroll', 'bob', RFC_BASE32, ...opt]), 0, '')
    const wrong = wrongTotp(RFC_BASE32)
    const failures = DEFAULT_VERIFIER_POLICY.maxFailures
    for (let i = 1; i < failures; i++) {
      const noun = i === 1 ? 'failure' : 'failures'
      await expectRun(otp(['check', 'bob', wrong, ...opt]), 1, 'invalid\n', new RegExp(`${i} ${noun} in a row; it locks at ${failures}`))
    }
    await expectRun(otp(['check', 'bob', wrong, ...opt]), 1, 'invalid\n', new RegExp(`token locked until ${ISO.source}`))
    // Locked: even the right code is not looked at.
    const locked = await expectRun(otp(['check', 'bob', totp(RFC_BASE32), ...opt]), 1, new RegExp(`^locked until ${ISO.source}\n$`))
    const until = Date.parse(locked.stdout.slice('locked until '.length).trim())
    expect(until - Date.now()).toBeGreaterThan(0)
    expect(until - Date.now()).toBeLessThanOrEqual(DEFAULT_VERIFIER_POLICY.lockSeconds * 1000)
  })

  it('takes a URI as SECRET with its parameters, and prints the URI back on request', async () => {
    const { opt } = makeDb()
    const given = `otpauth://totp/ACME:carol?secret=${RFC_BASE32}&algorithm=SHA256&digits=8&period=60`
    const run = await expectRun(otp(['enroll', 'carol', given, '--uri', ...opt]), 0, /^otpauth:\/\/totp\/ACME:carol\?/)
    expect(parseUri(run.stdout.trim())).toMatchObject({ issuer: 'ACME', account: 'carol', algorithm: 'SHA256', digits: 8, period: 60 })
    expect(run.stderr).toContain('TOTP, SHA256, 8 digits, period 60 s')
    const code = totp(RFC_BASE32, { algorithm: 'SHA256', digits: 8, period: 60 })
    await expectRun(otp(['check', 'carol', code, ...opt]), 0, /^valid: time step \d+/)
  })

  it('refuses an enrolled id unless --replace, which takes the new secret', async () => {
    const { opt } = makeDb()
    await expectRun(otp(['enroll', 'dave', RFC_BASE32, ...opt]), 0, '')
    await expectRun(otp(['enroll', 'dave', ...opt]), 2, '', /"dave" is already enrolled .*--replace.*\(TOKEN_EXISTS\)/)
    const replaced = await expectRun(otp(['enroll', 'dave', '--replace', ...opt]), 0, /^[A-Z2-7]{32}\n$/, /replaced "dave"/)
    const secret = replaced.stdout.trim()
    await expectRun(otp(['check', 'dave', totp(RFC_BASE32), ...opt]), 1, 'invalid\n')
    await expectRun(otp(['check', 'dave', totp(secret), ...opt]), 0, /^valid:/)
  })
})

describe('otp enroll and otp check: HOTP', () => {
  it('moves the counter forward past each accepted code, and calls an older one a replay', async () => {
    const { opt } = makeDb()
    // The secret from standard input, out of the process list.
    const enroll = otp(['enroll', 'erin', '-', '--secret-format', 'text', '--hotp', '0', ...opt], `${RFC_SECRET}\n`)
    await expectRun(enroll, 0, '', /HOTP, SHA1, 6 digits, next counter 0/)
    const key = new TextEncoder().encode(RFC_SECRET)
    expect(hotp(key, 0)).toBe('755224') // RFC 4226 appendix D
    await expectRun(otp(['check', 'erin', hotp(key, 0), ...opt]), 0, 'valid: counter 0 (delta 0)\n')
    await expectRun(otp(['check', 'erin', hotp(key, 3), ...opt]), 0, 'valid: counter 3 (delta +2)\n')
    await expectRun(otp(['check', 'erin', hotp(key, 2), ...opt]), 1, 'replayed\n')
    await expectRun(otp(['check', 'erin', hotp(key, 3), ...opt]), 1, 'replayed\n')
    await expectRun(otp(['check', 'erin', hotp(key, 4), ...opt]), 0, 'valid: counter 4 (delta 0)\n')
  })

  it('resyncs from consecutive codes beyond the look-ahead', async () => {
    const { opt } = makeDb()
    await expectRun(otp(['enroll', 'fred', RFC_BASE32, '--hotp', '5', ...opt]), 0, '')
    const far = 5 + 100
    await expectRun(otp(['check', 'fred', hotp(RFC_BASE32, far + 2), ...opt]), 1, 'invalid\n')
    const codes = [hotp(RFC_BASE32, far), hotp(RFC_BASE32, far + 1)]
    await expectRun(otp(['check', 'fred', '--resync', ...codes, ...opt]), 0, `resynced: the next counter is ${far + 2}\n`)
    await expectRun(otp(['check', 'fred', hotp(RFC_BASE32, far + 2), ...opt]), 0, `valid: counter ${far + 2} (delta 0)\n`)
    await expectRun(otp(['check', 'fred', '--resync', codes[0]!, ...opt]), 2, '', /--resync expects 2 to 16 consecutive codes/)
  })
})

describe('otp enroll and otp check: the store key', () => {
  const hexKey = randomBytes(32).toString('hex')
  const otherKey = randomBytes(16).toString('base64')

  it('takes OTP_STORE_KEY, makes no key file, and fails with DECRYPTION_FAILED under another key', async () => {
    const { db, opt } = makeDb()
    const enrolled = await expectRun(otpWith({ OTP_STORE_KEY: hexKey }, ['enroll', 'gina', ...opt]), 0, /^[A-Z2-7]{32}\n$/)
    expect(existsSync(`${db}.key`)).toBe(false)
    const code = totp(enrolled.stdout.trim())
    const wrong = await expectRun(
      otpWith({ OTP_STORE_KEY: otherKey }, ['check', 'gina', code, ...opt]),
      2,
      '',
      /sealed with a different key.*\(DECRYPTION_FAILED\)/,
    )
    const right = await expectRun(otpWith({ OTP_STORE_KEY: hexKey }, ['check', 'gina', code, ...opt]), 0, /^valid:/)
    for (const run of [enrolled, wrong, right]) {
      expect(run.stdout + run.stderr).not.toContain(hexKey)
      expect(run.stdout + run.stderr).not.toContain(otherKey)
    }
  })

  it('takes --key-file (hex or base64), over OTP_STORE_KEY, and names a bad one without echoing it', async () => {
    const { dir, opt } = makeDb()
    const keyFile = join(dir, 'store.key')
    writeFileSync(keyFile, `${Buffer.from(hexKey, 'hex').toString('base64')}\n`, { mode: 0o600 })
    const enrolled = await expectRun(
      otpWith({ OTP_STORE_KEY: otherKey }, ['enroll', 'hal', '--key-file', keyFile, ...opt]),
      0,
      /^[A-Z2-7]{32}\n$/,
    )
    // The same key as hex in the environment opens it.
    await expectRun(otpWith({ OTP_STORE_KEY: hexKey }, ['check', 'hal', totp(enrolled.stdout.trim()), ...opt]), 0, /^valid:/)

    const badFile = join(dir, 'bad.key')
    writeFileSync(badFile, 'not-a-key-at-all\n', { mode: 0o600 })
    const bad = await expectRun(otp(['check', 'hal', '123456', '--key-file', badFile, ...opt]), 2, '', /must hold the hex or base64/)
    expect(bad.stderr).not.toContain('not-a-key-at-all')
    await expectRun(
      otp(['check', 'hal', '123456', '--key-file', join(dir, 'none.key'), ...opt]),
      2,
      '',
      /cannot read the key file .*ENOENT/,
    )
    await expectRun(otpWith({ OTP_STORE_KEY: 'abcd' }, ['check', 'hal', '123456', ...opt]), 2, '', /OTP_STORE_KEY must hold/)
  })

  it('names a missing key, and never makes a new key for an existing database', async () => {
    const { db, opt } = makeDb()
    await expectRun(otp(['enroll', 'ivy', ...opt]), 0, /^[A-Z2-7]{32}\n$/)
    rmSync(`${db}.key`)
    await expectRun(otp(['check', 'ivy', '123456', ...opt]), 2, '', /no store key: set OTP_STORE_KEY or give --key-file/)
    await expectRun(otp(['enroll', 'jim', ...opt]), 2, '', /no store key: .*made only with a new database/)
    expect(existsSync(`${db}.key`)).toBe(false)
  })
})

describe('otp enroll, check, remove: the database and input errors', () => {
  it('names a missing database and creates none', async () => {
    const { db, opt } = makeDb()
    await expectRun(otp(['check', 'kim', '123456', ...opt]), 2, '', /no token database at .*tokens\.db: enrol a token first/)
    await expectRun(otp(['remove', 'kim', ...opt]), 2, '', /no token database/)
    expect(existsSync(db)).toBe(false)
    await expectRun(otp(['enroll', 'kim', '--db', join(db, 'no', 'such.db')]), 2, '', /folder .* does not exist/)
  })

  it('takes the database from OTP_DB', async () => {
    const { db } = makeDb()
    const enrolled = await expectRun(otpWith({ OTP_DB: db }, ['enroll', 'lea']), 0, /^[A-Z2-7]{32}\n$/)
    expect(existsSync(db)).toBe(true)
    await expectRun(otpWith({ OTP_DB: db }, ['check', 'lea', totp(enrolled.stdout.trim())]), 0, /^valid:/)
  })

  it('answers an unknown token or a malformed code with exit 2, costing no failure', async () => {
    const { opt } = makeDb()
    await expectRun(otp(['enroll', 'max', RFC_BASE32, ...opt]), 0, '')
    await expectRun(otp(['check', 'nobody', '123456', ...opt]), 2, '', /no token with id "nobody" is enrolled \(UNKNOWN_TOKEN\)/)
    await expectRun(otp(['check', 'max', '12345', ...opt]), 2, '', /CODE has 5 digits, but codes here have 6/)
    await expectRun(otp(['check', 'max', '12a456', ...opt]), 2, '', /digits only/)
    await expectRun(otp(['check', 'max', wrongTotp(RFC_BASE32), ...opt]), 1, 'invalid\n', /1 failure in a row/)
  })

  it('rejects contradictory or misplaced options before creating anything', async () => {
    const { db, opt } = makeDb()
    const cases: Array<[string[], RegExp]> = [
      [['enroll'], /missing TOKEN_ID/],
      [['enroll', 'a', RFC_BASE32, 'extra'], /expected TOKEN_ID and SECRET \(or URI\), got 3 arguments/],
      [['enroll', 'a', '--hotp', '0', '--period', '60'], /--period applies to TOTP/],
      [['enroll', 'a', '--t0', '100', '--uri'], /cannot carry --t0/],
      [['enroll', 'a', '--issuer', 'ACME'], /label the URI: add --uri or --qr/],
      [['enroll', 'a', RFC_BASE32, '--bytes', '32'], /--bytes .* does not go with SECRET/],
      [['enroll', 'a', 'not base32!'], /base32/],
      [['enroll', 'a', '--digits', '5'], /--digits expects a whole number from 6 to 10/],
      [['check', 'a'], /missing CODE/],
      [['check', 'a', '123456', '654321'], /expected TOKEN_ID and one CODE/],
      [['remove'], /expected TOKEN_ID/],
    ]
    for (const [args, message] of cases) await expectRun(otp([...args, ...opt]), 2, '', message)
    expect(existsSync(db)).toBe(false)
    expect(existsSync(`${db}.key`)).toBe(false)
  })

  it('removes a token, after which it is unknown', async () => {
    const { opt } = makeDb()
    await expectRun(otp(['enroll', 'ned', RFC_BASE32, ...opt]), 0, '')
    await expectRun(otp(['remove', 'ned', ...opt]), 0, /^removed "ned" from /)
    await expectRun(otp(['check', 'ned', totp(RFC_BASE32), ...opt]), 2, '', /UNKNOWN_TOKEN/)
    await expectRun(otp(['remove', 'ned', ...opt]), 2, '', /no token with id "ned"/)
  })
})

describe('otp enroll: a first enrolment killed while it creates the store key', () => {
  const STALL = new URL('./stores/workers/stall-key-link.mjs', import.meta.url).pathname

  /** Starts `otp enroll` stalled between writing the key's temporary file and linking it into place. */
  async function stalledEnroll(db: string, stallMs?: number) {
    const env = { ...process.env, ...(stallMs === undefined ? {} : { OTP_TEST_STALL_MS: String(stallMs) }) }
    const child = spawn(process.execPath, ['--import', STALL, OTP_MAIN, 'enroll', 'alice', '--db', db], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = once(child, 'exit')
    let stderr = ''
    await new Promise<void>((resolve, reject) => {
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk
        if (stderr.includes('stalled\n')) resolve()
      })
      child.once('exit', () => reject(new Error(`otp enroll ended before it stalled: ${stderr}`)))
    })
    return { child, exited }
  }

  const temporaries = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.tmp'))

  it('leaves no temporary key file on SIGTERM or SIGINT, and ends by that signal', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const { dir, db, opt } = makeDb()
      // The signal comes while the key is half made; the process finishes that step first.
      const { child, exited } = await stalledEnroll(db, 300)
      expect(temporaries(dir)).toHaveLength(1)
      child.kill(signal)
      await exited
      expect(child.signalCode).toBe(signal)
      expect(temporaries(dir)).toEqual([])
      // Whatever the signal left, the next enrolment works.
      await expectRun(otp(['enroll', 'bob', ...opt]), 0, /^[A-Z2-7]{32}\n$/)
    }
  })

  it('has the next enrolment remove the temporary key file of one killed outright (SIGKILL)', async () => {
    const { dir, db, opt } = makeDb()
    const { child, exited } = await stalledEnroll(db)
    expect(temporaries(dir)).toHaveLength(1)
    child.kill('SIGKILL')
    await exited
    expect(temporaries(dir)).toHaveLength(1)
    const enrolled = await expectRun(otp(['enroll', 'bob', ...opt]), 0, /^[A-Z2-7]{32}\n$/)
    expect(temporaries(dir)).toEqual([])
    await expectRun(otp(['check', 'bob', totp(enrolled.stdout.trim()), ...opt]), 0, /^valid:/)
  })
})

describe('otp enroll with better-sqlite3 installed but not built (install scripts off)', () => {
  it('fails with the command that repairs it, leaving no key file and no database behind', async () => {
    const { dir, db } = makeDb()
    const child = spawn(process.execPath, ['--import', UNBUILT_SQLITE_HOOK, OTP_MAIN, 'enroll', 'alice', '--db', db], {
      env: unbuiltSqlite(root),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const [status] = await once(child, 'close')
    expect(status, stderr).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toMatch(/npm rebuild better-sqlite3.*\(STORE_DRIVER_MISSING\)\n$/)
    expect(readdirSync(dir)).toEqual([])
  })
})

describe('otp check: a database SQLite cannot use', () => {
  it('names the file and the reason (STORE_UNAVAILABLE), not a raw driver error', async () => {
    const { db, opt } = makeDb()
    writeFileSync(db, 'this is not a SQLite database, whatever its name says.......................................')
    writeFileSync(`${db}.key`, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 })
    const run = await expectRun(otp(['check', 'alice', '123456', ...opt]), 2, '')
    expect(run.stderr).toContain(db)
    expect(run.stderr).toMatch(/\(STORE_UNAVAILABLE\)\n$/)
  })
})

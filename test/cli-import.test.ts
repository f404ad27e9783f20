/**
 * `otp import` and `otp export` as a user runs them (the built CLI, spawned): files written by
 * another implementation (python-pskc) or by the format builders go into the token database, and
 * `otp check` then accepts codes computed by node:crypto; an export read back by `otp import` makes
 * the same codes; secrets leave the database only encrypted, as QR codes, or with --plain.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildMigrationUris } from '../src/io/migration.js'
import { buildPskc } from '../src/io/pskc/build.js'
import { buildSeedCsv } from '../src/io/seed-csv.js'
import { buildUri } from '../src/io/uri.js'
import type { Token } from '../src/io/token.js'
import { otp, type Run } from './helpers/cli.js'
import { hasPythonPskc, writePythonPskc } from './helpers/python-pskc.js'
import { referenceHotp, type Algorithm } from './helpers/reference.js'

let root: string
beforeAll(() => {
  delete process.env.OTP_DB
  delete process.env.OTP_STORE_KEY
  root = mkdtempSync(join(tmpdir(), 'otp-cli-import-'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

let dirs = 0
/** A fresh folder with a database path in it. */
function scratch(): { dir: string; db: string; file: (name: string) => string } {
  const dir = join(root, `case-${++dirs}`)
  execFileSync('mkdir', ['-p', dir])
  return { dir, db: join(dir, 'tokens.db'), file: (name) => join(dir, name) }
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const secretOf = (i: number, length = 20) => Uint8Array.from({ length }, (_, j) => (i * 37 + j * 11 + 1) & 0xff)

/** The TOTP code of now, by node:crypto. */
function totpNow(secret: Uint8Array, algorithm: Algorithm = 'SHA1', digits = 6, period = 30): string {
  return referenceHotp(algorithm, secret, BigInt(Math.floor(Date.now() / 1000 / period)), digits)
}
const hotpAt = (secret: Uint8Array, counter: number, algorithm: Algorithm = 'SHA1', digits = 6) =>
  referenceHotp(algorithm, secret, BigInt(counter), digits)

/** `otp check` of a code: valid (exit 0)? */
async function checks(db: string, id: string, code: string): Promise<Run> {
  return otp(['check', id, code, '--db', db])
}

function expectNoSecret(run: Run, secrets: Uint8Array[]): void {
  for (const secret of secrets) {
    for (const text of [run.stdout, run.stderr]) {
      expect(text.toLowerCase()).not.toContain(hex(secret))
      expect(text).not.toContain(Buffer.from(secret).toString('base64'))
    }
  }
}

describe('otp import', () => {
  it.skipIf(!hasPythonPskc)(
    'enrols a password-encrypted PSKC file written by python-pskc; otp check accepts codes made by node:crypto',
    async () => {
      const { db, file } = scratch()
      const tokens = [
        {
          id: '1',
          type: 'totp' as const,
          secretHex: hex(secretOf(1)),
          algorithm: 'SHA1' as const,
          digits: 6,
          period: 30,
          account: 'alice',
        },
        {
          id: '2',
          type: 'hotp' as const,
          secretHex: hex(secretOf(2, 32)),
          algorithm: 'SHA256' as const,
          digits: 8,
          counter: 12,
          serial: 'SN-7',
        },
        { id: 'k3', type: 'totp' as const, secretHex: hex(secretOf(3, 64)), algorithm: 'SHA512' as const, digits: 8, period: 60 },
      ]
      writeFileSync(file('python.pskcxml'), writePythonPskc(tokens, { kind: 'password', password: 'pass phrase', iterations: 2000 }))
      writeFileSync(file('pw.txt'), 'pass phrase\n')
      const run = await otp(['import', file('python.pskcxml'), '--password-file', file('pw.txt'), '--db', db, '--prefix', 'hw:'])
      expect(run.stdout).toContain('3 enrolled, 0 skipped (already enrolled), 0 failed')
      expect(run.status).toBe(0)
      expectNoSecret(run, [secretOf(1), secretOf(2, 32), secretOf(3, 64)])
      // Ids: the account, else the serial, else the Key Id; after the prefix.
      expect((await checks(db, 'hw:alice', totpNow(secretOf(1)))).status).toBe(0)
      expect((await checks(db, 'hw:SN-7', hotpAt(secretOf(2, 32), 12, 'SHA256', 8))).status).toBe(0)
      expect((await checks(db, 'hw:k3', totpNow(secretOf(3, 64), 'SHA512', 8, 60))).status).toBe(0)
      // Again: every token is skipped, none replaced (the HOTP counter stays past the used code).
      const again = await otp(['import', file('python.pskcxml'), '--password-file', file('pw.txt'), '--db', db, '--prefix', 'hw:'])
      expect(again.stdout).toContain('0 enrolled, 3 skipped (already enrolled), 0 failed')
      expect((await checks(db, 'hw:SN-7', hotpAt(secretOf(2, 32), 12, 'SHA256', 8))).status).toBe(1)
      // A wrong password enrols nothing and says why.
      writeFileSync(file('wrong.txt'), 'not it\n')
      const wrong = await otp(['import', file('python.pskcxml'), '--password-file', file('wrong.txt'), '--db', join(file('other.db'))])
      expect(wrong.status).toBe(2)
      expect(wrong.stderr).toContain('DECRYPTION_FAILED')
    },
  )

  it('enrols Google Authenticator transfer URIs, given as arguments or one per line in a file', async () => {
    const { db, file } = scratch()
    const tokens: Token[] = Array.from({ length: 12 }, (_, i) => ({
      type: 'totp',
      secret: secretOf(10 + i),
      account: `user${i}@example.com`,
      issuer: 'Example',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    }))
    const uris = buildMigrationUris(tokens, { batchSize: 5 })
    expect(uris).toHaveLength(3)
    const run = await otp(['import', uris[0]!, uris[1]!, '--db', db])
    expect(run.stdout).toContain('10 enrolled')
    writeFileSync(file('export.txt'), `${uris.join('\n')}\n`)
    const fromFile = await otp(['import', file('export.txt'), '--db', db])
    expect(fromFile.stdout).toContain('(migration)')
    expect(fromFile.stdout).toContain('2 enrolled, 10 skipped (already enrolled), 0 failed')
    expectNoSecret(
      fromFile,
      tokens.map((t) => t.secret),
    )
    for (const i of [0, 7, 11]) expect((await checks(db, `user${i}@example.com`, totpNow(secretOf(10 + i)))).status).toBe(0)
  })

  it('enrols a seed CSV file and otpauth:// lines; a line that cannot be read is reported by its number, the others enrolled', async () => {
    const { db, file } = scratch()
    const csvTokens: Token[] = [
      { type: 'hotp', secret: secretOf(30), account: '', serial: 'HW-1', algorithm: 'SHA1', digits: 6, counter: 3 },
      { type: 'totp', secret: secretOf(31), account: 'carol', algorithm: 'SHA256', digits: 8, period: 30 },
    ]
    writeFileSync(file('seeds.csv'), buildSeedCsv(csvTokens))
    const csv = await otp(['import', file('seeds.csv'), '--db', db])
    expect(csv.stdout).toContain('(csv)')
    expect(csv.stdout).toContain('2 enrolled')
    expect((await checks(db, 'HW-1', hotpAt(secretOf(30), 3))).status).toBe(0)
    expect((await checks(db, 'carol', totpNow(secretOf(31), 'SHA256', 8))).status).toBe(0)

    const good = buildUri({ type: 'totp', secret: secretOf(32), account: 'dave', issuer: 'ACME' })
    const lines = [
      good,
      'otpauth://totp/ACME:erin?secret=not*base32',
      `otpauth://hotp/frank?secret=${'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'}&counter=0`,
      `${good}`,
    ]
    writeFileSync(file('uris.txt'), `${lines.join('\n')}\n`)
    const run = await otp(['import', file('uris.txt'), '--db', db])
    expect(run.stdout).toContain('(uri)')
    expect(run.stdout).toContain('2 enrolled, 1 skipped (already enrolled), 1 failed')
    expect(run.stdout).toMatch(/^ {2}line 2: .*INVALID_URI/m)
    expect(run.stdout).not.toContain('not*base32')
    expect(run.status).toBe(2)
    expect((await checks(db, 'dave', totpNow(secretOf(32)))).status).toBe(0)
  })
})

describe('otp import: a file that breaks part way', () => {
  it('enrols the key packages before the broken one, then says where it stopped and why', async () => {
    const { db, file } = scratch()
    const tokens: Token[] = [0, 1, 2].map((i) => ({
      type: 'totp',
      secret: secretOf(50 + i),
      account: `p${i}`,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    }))
    const xml = buildPskc(tokens)
    // The third package's algorithm is one no reader knows.
    const at = xml.lastIndexOf('keyprov:pskc:totp')
    writeFileSync(file('broken.pskcxml'), `${xml.slice(0, at)}keyprov:pskc:nope${xml.slice(at + 'keyprov:pskc:totp'.length)}`)
    const run = await otp(['import', file('broken.pskcxml'), '--db', db])
    expect(run.status).toBe(2)
    expect(run.stdout).toContain('2 enrolled, 0 skipped (already enrolled), 0 failed')
    expect(run.stderr).toMatch(/stopped after 2 tokens .*INVALID_PSKC/)
    expectNoSecret(
      run,
      tokens.map((t) => t.secret),
    )
    expect((await checks(db, 'p1', totpNow(secretOf(51)))).status).toBe(0)
  })
})

describe('otp export', () => {
  /** A database with three tokens, imported from a seed CSV file. */
  async function seeded() {
    const where = scratch()
    const tokens: Token[] = [
      { type: 'totp', secret: secretOf(40), account: 'anna', algorithm: 'SHA1', digits: 6, period: 30 },
      { type: 'hotp', secret: secretOf(41, 32), account: 'ben', algorithm: 'SHA256', digits: 8, counter: 100 },
      { type: 'totp', secret: secretOf(42, 64), account: 'cleo', algorithm: 'SHA512', digits: 6, period: 30 },
    ]
    writeFileSync(where.file('seed.csv'), buildSeedCsv(tokens))
    expect((await otp(['import', where.file('seed.csv'), '--db', where.db])).status).toBe(0)
    writeFileSync(where.file('pw.txt'), 'export password\n')
    return { ...where, tokens }
  }

  it('writes a PSKC file encrypted with a password, which pskctool validates and otp import reads back to the same codes', async () => {
    const { db, file, tokens } = await seeded()
    // ben has used counter 100: the export carries 101.
    expect((await checks(db, 'ben', hotpAt(secretOf(41, 32), 100, 'SHA256', 8))).status).toBe(0)
    const run = await otp(['export', '--password-file', file('pw.txt'), '--out', file('out.pskcxml'), '--db', db])
    expect(run.status).toBe(0)
    expect(run.stderr).toContain('3 tokens exported')
    expect(statSync(file('out.pskcxml')).mode & 0o777).toBe(0o600)
    const xml = readFileSync(file('out.pskcxml'), 'utf8')
    expect(xml).toContain('EncryptedValue')
    for (const t of tokens) expect(xml.toLowerCase()).not.toContain(hex(t.secret))
    if (existsSync('/usr/bin/pskctool')) {
      const verdict = execFileSync('/usr/bin/pskctool', ['--validate', file('out.pskcxml')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      })
      expect(verdict.trim()).toMatch(/OK$/)
    }
    const copy = file('copy.db')
    const back = await otp(['import', file('out.pskcxml'), '--password-file', file('pw.txt'), '--db', copy])
    expect(back.stdout).toContain('3 enrolled')
    for (const target of [db, copy]) {
      expect((await checks(target, 'anna', totpNow(secretOf(40)))).status, target).toBe(0)
      expect((await checks(target, 'ben', hotpAt(secretOf(41, 32), 101, 'SHA256', 8))).status, target).toBe(0)
      expect((await checks(target, 'cleo', totpNow(secretOf(42, 64), 'SHA512'))).status, target).toBe(0)
    }
  })

  it('writes plain CSV only with --plain --out, to a new file of mode 600, which imports to the same codes', async () => {
    const { db, file } = await seeded()
    const run = await otp(['export', '--format', 'csv', '--plain', '--out', file('plain.csv'), '--ids', 'anna,cleo', '--db', db])
    expect(run.status).toBe(0)
    expect(statSync(file('plain.csv')).mode & 0o777).toBe(0o600)
    expect(readFileSync(file('plain.csv'), 'utf8')).toContain(hex(secretOf(40)))
    // Never over an existing file.
    const twice = await otp(['export', '--format', 'csv', '--plain', '--out', file('plain.csv'), '--db', db])
    expect(twice.status).toBe(2)
    expect(twice.stderr).toContain('exists')
    const copy = file('copy.db')
    expect((await otp(['import', file('plain.csv'), '--db', copy])).stdout).toContain('2 enrolled')
    expect((await checks(copy, 'anna', totpNow(secretOf(40)))).status).toBe(0)
    expect((await checks(copy, 'cleo', totpNow(secretOf(42, 64), 'SHA512'))).status).toBe(0)
  })

  it('refuses an export without a password, key, --qr or --plain, and prints no secret', async () => {
    const { db, file, tokens } = await seeded()
    const refusals: Array<[string[], RegExp]> = [
      [[], /refusing to export secrets unprotected/],
      [['--format', 'csv'], /refusing to export secrets as plain csv text without --plain/],
      [['--format', 'uri'], /without --plain/],
      [['--format', 'migration', '--plain'], /give --out FILE/],
      // Standard output is a pipe here, not a terminal.
      [['--format', 'migration', '--qr'], /not one/],
      [['--format', 'csv', '--password-file', file('pw.txt')], /cannot be encrypted/],
      [['--plain', '--out', file('x.pskcxml')], /PSKC export is encrypted/],
    ]
    for (const [args, message] of refusals) {
      const run = await otp(['export', ...args, '--db', db])
      expect(run.status, args.join(' ')).toBe(2)
      expect(run.stderr, args.join(' ')).toMatch(message)
      expect(run.stdout).toBe('')
      expectNoSecret(
        run,
        tokens.map((t) => t.secret),
      )
    }
    expect(existsSync(file('x.pskcxml'))).toBe(false)
  })
})

/**
 * Nothing secret is printed: on every error path of every command, the message names the option and
 * what it expects, and never quotes a value that may be a secret (a SECRET argument, a URI, a store
 * key, or any option value that may be a secret typed in the wrong place).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { otp, type Run } from './helpers/cli.js'

const SECRET = 'JBSWY3DPEHPK3PXP'
const STORE_KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'
/** A Google Authenticator export: what its "Transfer accounts" QR code holds. */
const MIGRATION = 'otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGUlM0FhbGljZUBnb29nbGUuY29tGgdFeGFtcGxlMAI%3D'

let dir: string
beforeAll(() => {
  delete process.env.OTP_DB
  delete process.env.OTP_STORE_KEY
  dir = mkdtempSync(join(tmpdir(), 'otp-cli-secrets-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs `otp ARGS`, expecting exit 2, a message matching `message`, and none of `hidden` anywhere. */
async function refused(args: string[], message: RegExp, hidden: string[]): Promise<Run> {
  const run = await otp(args)
  expect(run.stderr).toMatch(message)
  expect(run.status).toBe(2)
  for (const text of hidden) {
    expect(run.stderr).not.toContain(text)
    expect(run.stdout).not.toContain(text)
  }
  return run
}

describe('otp: error messages never quote a secret', () => {
  it('does not print a store key given as --key-file', async () => {
    const db = join(dir, 'key-file.db')
    writeFileSync(db, '')
    for (const command of [
      ['check', 'bob', '123456'],
      ['enroll', 'bob', SECRET],
    ]) {
      await refused(
        [...command, '--db', db, '--key-file', STORE_KEY],
        /--key-file expects the name of a file holding the store key, not the key itself.*OTP_STORE_KEY/,
        [STORE_KEY, STORE_KEY.slice(0, 16)],
      )
    }
    const base64 = Buffer.from(STORE_KEY, 'hex').toString('base64')
    await refused(['check', 'bob', '123456', '--db', db, '--key-file', base64], /not the key itself/, [base64.slice(0, 16)])
  })

  it('does not print a secret given where a number goes', async () => {
    // The counter forgotten: the secret is taken as --hotp's value.
    await refused(
      ['enroll', 'bob', '--hotp', SECRET, '--db', join(dir, 'never.db')],
      /--hotp expects a counter.*not shown.*looks like a base32 secret/,
      [SECRET],
    )
    await refused(
      ['code', 'GEZDGNBVGY3TQOJQ', '--digits', SECRET],
      /--digits expects a whole number from 6 to 10, got 16 characters \(not shown/,
      [SECRET],
    )
    for (const [option, message] of [
      ['--time', /--time expects unix seconds/],
      ['--t0', /--t0 expects unix seconds/],
      ['--period', /--period expects a whole number/],
      ['--algorithm', /--algorithm expects one of SHA1, SHA256, SHA512/],
      ['--secret-format', /--secret-format expects one of base32, hex, text/],
    ] as const) {
      await refused(['code', SECRET, option, SECRET.toLowerCase()], message, [SECRET.toLowerCase()])
    }
    await refused(['verify', SECRET, '123456', '--window', SECRET], /--window expects/, [SECRET])
    await refused(['resync', SECRET, '123456', '--from', SECRET], /--from expects a counter/, [SECRET.slice(1)])
    await refused(['uri', '--issuer', 'I', '--account', 'a', '--digits', SECRET], /--digits expects/, [SECRET])
    await refused(['batch', '--digits', SECRET], /--digits expects/, [SECRET])
    await refused(['secret', '--bytes', SECRET], /--bytes expects/, [SECRET])
  })

  it('does not print a code typed where a number goes, but does show a short number', async () => {
    await refused(['code', SECRET, '--digits', '996554'], /--digits expects a whole number from 6 to 10, got 6 characters/, ['996554'])
    await refused(['code', SECRET, '--digits', '11'], /--digits expects a whole number from 6 to 10, got '11'/, [])
  })

  it('does not print a URI whose parameters are wrong', async () => {
    const uri = `otpauth://totp/a?secret=${SECRET}&digits=${SECRET}`
    await refused(['code', uri], /the URI: expected 'digits' to be an integer from 6 to 10 \(INVALID_URI\)/, [SECRET, "got '"])
    await refused(['code', `otpauth://${SECRET}/a?secret=${SECRET}`], /expected the type totp or hotp/, [SECRET])
  })

  it('names an otpauth-migration:// URI and how to import it, instead of a base32 error', async () => {
    for (const args of [
      ['code', MIGRATION],
      ['verify', MIGRATION, '123456'],
      ['uri', '--issuer', 'I', '--account', 'a', '--secret', MIGRATION],
    ]) {
      const run = await refused(args, /otpauth-migration:\/\/ URI: a Google Authenticator export.*otp import URI/, ['CjEKCkhl'])
      expect(run.stderr).not.toMatch(/base32|position/)
    }
  })

  it('does not print a secret or URI typed instead of a command, an option or a file name', async () => {
    await refused([SECRET], /unknown command \(16 characters, not shown.*otp code SECRET/, [SECRET])
    await refused([`otpauth://totp/a?secret=${SECRET}`], /is an otpauth URI \(not shown\), not a command/, [SECRET])
    await refused(['code', SECRET, `--${SECRET}`], /unknown option \(18 characters, not shown\)/, [SECRET])
    await refused(['batch', SECRET], /cannot read the file given \(16 characters; the name is not shown.*\(ENOENT\)/, [SECRET])
    await refused(
      ['uri', '--issuer', 'I', '--account', 'a', '--svg', join(dir, 'no', SECRET)],
      /cannot write the QR code to the file given/,
      [SECRET],
    )
    await refused(['enroll', `otpauth://totp/a?secret=${SECRET}`], /TOKEN_ID is an otpauth URI \(not shown\)/, [SECRET])
    await refused(
      ['check', 'bob', '123456', '--db', SECRET],
      /no token database at the file given \(16 characters; the name is not shown/,
      [SECRET],
    )
    await refused(['remove', 'bob', '--db', SECRET], /no token database at the file given/, [SECRET])
  })
})

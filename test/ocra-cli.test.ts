// The OCRA and Steam Guard commands of the built `otp` CLI: otp ocra, otp verify --ocra,
// otp explain --ocra and otp code --steam, against the RFC 6287 vectors and the reference.
import { describe, expect, it } from 'vitest'
import { otp } from './helpers/cli.js'
import { referenceSteam } from './helpers/ocra-reference.js'

const SEED20 = '3132333435363738393031323334353637383930'
const SEED32 = '3132333435363738393031323334353637383930313233343536373839303132'
const SEED64 = SEED20.repeat(3) + '31323334'

describe('otp ocra', () => {
  it('prints the RFC 6287 responses (one-way, counter and PIN, time)', async () => {
    expect((await otp(['ocra', 'OCRA-1:HOTP-SHA1-6:QN08', SEED20, '--secret-format', 'hex', '--question', '44444444'])).stdout).toBe(
      '608993\n',
    )
    const pin = await otp([
      'ocra',
      'OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1',
      SEED32,
      '--secret-format',
      'hex',
      '--question',
      '12345678',
      '--counter',
      '9',
      '--pin',
      '1234',
    ])
    expect(pin).toMatchObject({ status: 0, stdout: '08522129\n' })
    const timed = await otp([
      'ocra',
      'OCRA-1:HOTP-SHA512-8:QN08-T1M',
      SEED64,
      '--secret-format',
      'hex',
      '--question',
      '00000000',
      '--timestamp',
      String(0x132d0b6),
    ])
    expect(timed.stdout).toBe('95209754\n')
    const byTime = await otp([
      'ocra',
      'OCRA-1:HOTP-SHA512-8:QN08-T1M',
      SEED64,
      '--secret-format',
      'hex',
      '--question',
      '00000000',
      '--time',
      String(0x132d0b6 * 60 + 59),
    ])
    expect(byTime.stdout).toBe('95209754\n')
  })

  it('refuses bad input with exit 2 and the error code, never the secret', async () => {
    const run = await otp(['ocra', 'OCRA-1:HOTP-SHA1-6:QN08', SEED20, '--secret-format', 'hex', '--question', '1234x'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('INVALID_CHALLENGE')
    expect(run.stderr).not.toContain(SEED20)
    const suite = await otp(['ocra', 'OCRA-1:HOTP-MD5-6:QN08', SEED20, '--secret-format', 'hex', '--question', '1234'])
    expect(suite.status).toBe(2)
    expect(suite.stderr).toContain('INVALID_OCRA_SUITE')
    expect((await otp(['ocra', 'OCRA-1:HOTP-SHA1-6:QN08', SEED20])).status).toBe(2)
  })
})

describe('otp verify --ocra and otp explain --ocra', () => {
  it('verifies with windows and exits 0 or 1', async () => {
    const base = [
      'verify',
      '--ocra',
      'OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1',
      SEED32,
      '08522129',
      '--secret-format',
      'hex',
      '--question',
      '12345678',
      '--pin',
      '1234',
    ]
    expect(await otp([...base, '--counter', '7', '--counter-window', '3'])).toMatchObject({ status: 0, stdout: 'valid: counter delta 2\n' })
    expect(await otp([...base, '--counter', '7'])).toMatchObject({ status: 1, stdout: 'invalid\n' })
  })

  it('shows the message field by field and the response', async () => {
    const run = await otp([
      'explain',
      '--ocra',
      'OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1',
      SEED32,
      '--secret-format',
      'hex',
      '--question',
      '12345678',
      '--counter',
      '9',
      '--pin',
      '1234',
    ])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('C counter       0000000000000009')
    expect(run.stdout).toContain('Q question      bc614e00')
    expect(run.stdout).toContain('7110eda4d09e062aa5e4a390b0a572ac0d2c0220')
    expect(run.stdout).toContain('response        08522129')
  })
})

describe('otp code --steam', () => {
  it('prints the Steam Guard code, also for an encoder=steam URI', async () => {
    const key = Buffer.from('12345678901234567890')
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
    expect((await otp(['code', '--steam', secret, '--time', '1000'])).stdout).toBe(`${referenceSteam(key, 1000)}\n`)
    const uri = `otpauth://totp/Steam:gaben?secret=${secret}&issuer=Steam&digits=5&encoder=steam`
    expect((await otp(['code', uri, '--time', '1000'])).stdout).toBe(`${referenceSteam(key, 1000)}\n`)
    expect((await otp(['code', '--steam', secret, '--hotp', '1'])).status).toBe(2)
  })
})

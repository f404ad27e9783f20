/**
 * The single-code functions decode base32 secrets into one reused scratch array (no array per
 * call) and wipe it before returning, whether the call answers or throws; bytes given by the caller
 * are used as they are and never wiped.
 */
import { describe, expect, it } from 'vitest'
import { base32Decode, base32Encode, hotp, totp, verifyHotp, verifyTotp } from '../src/index.js'
import { borrowKey, releaseKey } from '../src/core/secret.js'
import { formatCode } from '../src/core/otp.js'

const TEXT = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'

/** The scratch array itself, reached through a borrowed key's buffer (and given back at once). */
function scratch(): Uint8Array {
  const key = borrowKey('AAAAAAAA')
  releaseKey(key)
  return new Uint8Array(key.buffer)
}

describe('base32 secrets of single-code calls', () => {
  it('decodes into the scratch, one view per length, and gives it back wiped', () => {
    const key = borrowKey(TEXT)
    expect(key).toEqual(base32Decode(TEXT))
    expect(key.buffer).toBe(scratch().buffer)
    releaseKey(key)
    expect(borrowKey(TEXT)).toBe(key)
    releaseKey(key)
    expect(scratch().every((b) => b === 0)).toBe(true)
  })

  it('leaves the scratch wiped after every function, answering or throwing', () => {
    const calls = [
      () => hotp(TEXT, 1),
      () => totp(TEXT, { time: 59 }),
      () => verifyHotp(TEXT, '287082', 0, { window: 2 }),
      () => verifyTotp(TEXT, '287082', { time: 59 }),
      () => hotp(TEXT, -1),
      () => verifyTotp(TEXT, '287082', { window: -1 }),
      () => hotp('GEZDGNBVGY3TQOJQ!', 0),
      () => hotp('GEZDGNBVGY3TQOJQG', 0),
    ]
    for (const call of calls) {
      try {
        call()
      } catch {
        // The hostile ones throw; the scratch must be clean either way.
      }
      expect(scratch().every((b) => b === 0)).toBe(true)
    }
    expect(hotp(TEXT, 1)).toBe('287082')
    expect(verifyHotp(TEXT, '287082', 0, { window: 2 })).toBe(1)
  })

  it('uses bytes as given and never wipes them; keys too long for the scratch still decode', () => {
    const bytes = base32Decode(TEXT)
    const key = borrowKey(bytes)
    expect(key).toBe(bytes)
    releaseKey(key)
    expect(bytes).toEqual(base32Decode(TEXT))
    const long = base32Encode(new Uint8Array(1024).fill(7))
    expect(hotp(`${long}  `, 0)).toBe(hotp(new Uint8Array(1024).fill(7), 0))
    expect(() => hotp(base32Encode(new Uint8Array(1025)), 0)).toThrow(expect.objectContaining({ code: 'INVALID_SECRET' }))
  })

  it('formats codes with their leading zeros', () => {
    expect(formatCode(0, 6)).toBe('000000')
    expect(formatCode(7081804, 8)).toBe('07081804')
    expect(formatCode(123456, 6)).toBe('123456')
    expect(formatCode(1, 10)).toBe('0000000001')
  })
})

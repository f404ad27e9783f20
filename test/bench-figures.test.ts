// The fixtures of `otp bench` (src/cli/bench-figures.ts): every answer it checks must be the one a
// correct verifier gives, whatever secrets a run draws.
import { describe, expect, it } from 'vitest'
import { aheadCodes } from '../src/cli/bench-figures.js'
import { verifyTotp } from '../src/index.js'

// A secret whose codes of the steps of 1,700,000,000 and the one after are both 160763 (found by
// search, one in about 500,000): a window check of that code rightly answers 0, not +1.
const COLLIDING = Buffer.from('bb7b2c3a3a154df7714eca0167c7e4bc80b49ff3', 'hex')
const NOW = 1_700_000_000

describe('otp bench fixtures', () => {
  it('draw a secret again when its code one step ahead is also a code of the window', () => {
    expect(verifyTotp(COLLIDING, '160763', { time: NOW, window: 1 })).toBe(0)
    const bytes = new Uint8Array(40)
    bytes.set(COLLIDING)
    bytes.set(COLLIDING, 20)
    const users = { bytes, key: (i: number) => bytes.subarray(20 * i, 20 * i + 20) }
    const codes = aheadCodes(users, 2)
    for (let u = 0; u < 2; u++) {
      expect(Buffer.from(users.key(u)).equals(COLLIDING)).toBe(false)
      expect(verifyTotp(users.key(u), String(codes[u]).padStart(6, '0'), { time: NOW, window: 1 })).toBe(1)
    }
  })
})

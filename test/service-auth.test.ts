/**
 * The API key ring: a key is known by its hash alone; a wrong key, a malformed header or a missing
 * scope are refused, whatever keys were accepted before.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { keyRing, type ApiKeyRecord } from '../src/service/auth.js'
import { ServiceError } from '../src/service/errors.js'

const KEY = 'otpk_' + 'a'.repeat(43)
const OTHER = 'otpk_' + 'b'.repeat(43)
const record = (name: string, key: string, scopes: ApiKeyRecord['scopes']): ApiKeyRecord => ({
  name,
  sha256: createHash('sha256').update(key).digest('hex'),
  scopes,
  created: '',
})

function refusal(run: () => unknown): { status: number; code: string } {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError)
    return { status: (error as ServiceError).statusCode, code: (error as ServiceError).code }
  }
  throw new Error('accepted')
}

describe('keyRing', () => {
  it('refuses other keys, malformed headers and missing scopes, after valid keys as before them', () => {
    const ring = keyRing([record('ops', KEY, ['verify']), record('admin', OTHER, ['admin'])])
    const client = ring.authenticate(`Bearer ${KEY}`)
    expect(refusal(() => ring.authenticate(`Bearer ${KEY}x`))).toEqual({ status: 401, code: 'UNAUTHORIZED' })
    expect(refusal(() => ring.authenticate(`Basic ${KEY}`))).toEqual({ status: 401, code: 'UNAUTHORIZED' })
    expect(refusal(() => ring.authenticate(undefined))).toEqual({ status: 401, code: 'UNAUTHORIZED' })
    expect(refusal(() => ring.authorize(client, 'admin'))).toEqual({ status: 403, code: 'FORBIDDEN' })
    expect(ring.authenticate(`Bearer ${OTHER}`).name).toBe('admin')
    expect(ring.authenticate(`bearer   ${KEY}  `).name).toBe('ops')
  })

  it('accepts every spelling of a header the grammar allows, and no other key', () => {
    const ring = keyRing([record('ops', KEY, ['verify'])])
    // The header grammar lets one key be written many ways: each is a header of its own.
    for (let spaces = 1; spaces <= 3000; spaces++) expect(ring.authenticate(`Bearer${' '.repeat(spaces)}${KEY}`).name).toBe('ops')
    expect(refusal(() => ring.authenticate(`Bearer ${OTHER}`))).toEqual({ status: 401, code: 'UNAUTHORIZED' })
  })
})

/**
 * The API key ring: a header verified once is remembered, and remembering it changes no answer: a
 * wrong key, a malformed header or a missing scope are refused as before, and the memory is bounded.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { keyRing, type ApiKeyRecord } from '../src/service/auth.js'
import { ServiceError } from '../src/service/errors.js'

/** Hashes made through node:crypto, counted. */
const hashes = vi.hoisted(() => ({ made: 0 }))
vi.mock('node:crypto', async (original) => {
  const actual = await original<typeof import('node:crypto')>()
  return {
    ...actual,
    createHash: (...args: Parameters<typeof actual.createHash>) => {
      hashes.made++
      return actual.createHash(...args)
    },
  }
})

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
  it('hashes a header once, then answers from memory, with the same client', () => {
    const ring = keyRing([record('ops', KEY, ['verify'])])
    hashes.made = 0
    const first = ring.authenticate(`Bearer ${KEY}`)
    expect(hashes.made).toBe(1)
    for (let i = 0; i < 5; i++) expect(ring.authenticate(`Bearer ${KEY}`)).toBe(first)
    expect(hashes.made).toBe(1)
    expect(first.name).toBe('ops')
    // A refused header is never remembered: hashed each time.
    for (let i = 0; i < 3; i++) refusal(() => ring.authenticate(`Bearer ${OTHER}`))
    expect(hashes.made).toBe(4)
  })

  it('refuses as before once a valid header is remembered: other keys, malformed headers, missing scopes', () => {
    const ring = keyRing([record('ops', KEY, ['verify']), record('admin', OTHER, ['admin'])])
    const client = ring.authenticate(`Bearer ${KEY}`)
    expect(refusal(() => ring.authenticate(`Bearer ${KEY}x`))).toEqual({ status: 401, code: 'UNAUTHORIZED' })
    expect(refusal(() => ring.authenticate(`Basic ${KEY}`))).toEqual({ status: 401, code: 'UNAUTHORIZED' })
    expect(refusal(() => ring.authenticate(undefined))).toEqual({ status: 401, code: 'UNAUTHORIZED' })
    expect(refusal(() => ring.authorize(client, 'admin'))).toEqual({ status: 403, code: 'FORBIDDEN' })
    expect(ring.authenticate(`Bearer ${OTHER}`).name).toBe('admin')
    expect(ring.authenticate(`bearer   ${KEY}  `).name).toBe('ops')
  })

  it('remembers a bounded number of headers, and still answers each one right past the bound', () => {
    const ring = keyRing([record('ops', KEY, ['verify'])])
    // The header grammar lets one key be written many ways: each is a header of its own.
    for (let spaces = 1; spaces <= 3000; spaces++) expect(ring.authenticate(`Bearer${' '.repeat(spaces)}${KEY}`).name).toBe('ops')
    expect(refusal(() => ring.authenticate(`Bearer ${OTHER}`))).toEqual({ status: 401, code: 'UNAUTHORIZED' })
  })
})

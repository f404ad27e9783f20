/**
 * Codes checked against implementations written elsewhere: oathtool (OATH Toolkit, in C) and pyotp
 * (Python), from Debian's packages, over random keys, counters, times, digits and hashes, on every
 * backend. Where a tool is missing the suite says so and skips, except in CI, which installs both.
 */
import { execFileSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { base32Encode, type Engine } from '../src/index.js'
import { BACKENDS, engineFor } from './helpers/backends.js'
import { ALGORITHMS, rng, type Algorithm } from './helpers/reference.js'

const PYTHON = '/usr/bin/python3'

function has(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const hasOathtool = has('oathtool', ['--version'])
const hasPyotp = has(PYTHON, ['-c', 'import pyotp'])
if (process.env.CI && !(hasOathtool && hasPyotp)) throw new Error('CI must install oathtool and python3-pyotp (see .ci/run)')

interface Case {
  key: Uint8Array
  algorithm: Algorithm
  digits: number
  counter?: bigint
  time?: number
  period?: number
}

function cases(seed: number, count: number, maxDigits: number): Case[] {
  const r = rng(seed)
  return Array.from({ length: count }, (_, i) => {
    const key = r.bytes(r.pick([10, 16, 20, 32, 64, r.int(1, 130)]))
    const algorithm = r.pick(ALGORITHMS)
    const digits = r.int(6, maxDigits)
    if (i % 2) return { key, algorithm, digits, counter: r.pick([BigInt(r.int(0, 1000)), BigInt(r.int(0, 2 ** 31)), r.u64()]) }
    return { key, algorithm, digits, time: r.int(0, 4_000_000_000), period: r.pick([30, 60, 15]) }
  })
}

/** oathtool's answer for one case (it takes the key as hex, digits 6 to 8, and HOTP with SHA-1 only). */
function oathtool(c: Case): string {
  const hex = Buffer.from(c.key).toString('hex')
  const args =
    c.counter !== undefined
      ? ['--hotp', '-c', String(c.counter), '-d', String(c.digits), hex]
      : [`--totp=${c.algorithm}`, '-s', `${c.period}s`, '-N', `@${c.time}`, '-d', String(c.digits), hex]
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim()
}

/** pyotp's answers for many cases, in one Python process. */
function pyotp(all: Case[]): string[] {
  const script = `
import sys, json, hashlib, pyotp
out = []
for c in json.load(sys.stdin):
    digest = getattr(hashlib, c['algorithm'].lower())
    if 'counter' in c:
        out.append(pyotp.HOTP(c['secret'], digits=c['digits'], digest=digest).at(int(c['counter'])))
    else:
        out.append(pyotp.TOTP(c['secret'], digits=c['digits'], digest=digest, interval=c['period']).at(c['time']))
print(json.dumps(out))
`
  const input = JSON.stringify(all.map((c) => ({ ...c, key: undefined, secret: base32Encode(c.key), counter: c.counter?.toString() })))
  return JSON.parse(execFileSync(PYTHON, ['-c', script], { input, encoding: 'utf8' }))
}

describe.each(BACKENDS)('%s against independent implementations', (backend) => {
  let engine: Engine
  beforeAll(async () => {
    engine = await engineFor(backend)
  })
  const ours = (c: Case): string =>
    c.counter !== undefined
      ? engine.hotp(c.key, c.counter, { algorithm: c.algorithm, digits: c.digits })
      : engine.totp(c.key, { algorithm: c.algorithm, digits: c.digits, time: c.time!, period: c.period! })

  it.skipIf(!hasOathtool)('matches oathtool on 120 random HOTP and TOTP cases', () => {
    const all = cases(0x0a7, 120, 8).map((c) => (c.counter === undefined ? c : { ...c, algorithm: 'SHA1' as const }))
    for (const c of all) expect(ours(c), `${c.algorithm} ${c.digits} digits, counter ${c.counter} time ${c.time}`).toBe(oathtool(c))
  })

  it.skipIf(!hasPyotp)('matches pyotp on 2,000 random cases, 6 to 10 digits', () => {
    const all = cases(0x5eed, 2000, 10)
    expect(all.map(ours)).toEqual(pyotp(all))
  })
})

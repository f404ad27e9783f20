/**
 * The `otp` command as a user runs it: spawned processes, arguments, standard input, output and
 * exit codes (0 ok or valid, 1 invalid, 2 usage or input error).
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { base32Decode, base32Encode, hotp, parseUri, resyncHotp, totp } from '../src/index.js'
import { otp, type Run } from './helpers/cli.js'

const HOTP_VECTORS = JSON.parse(readFileSync(new URL('./vectors/rfc4226-appendix-d.json', import.meta.url), 'utf8'))
const TOTP_VECTORS = JSON.parse(readFileSync(new URL('./vectors/rfc6238-appendix-b.json', import.meta.url), 'utf8'))

/** Runs `otp ARGS`, expecting exit 2 and a message on stderr that names the problem. */
async function usageError(args: string[], message: RegExp, input = ''): Promise<Run> {
  const run = await otp(args, input)
  expect(run.stderr).toMatch(message)
  expect(run.status).toBe(2)
  expect(run.stdout).toBe('')
  return run
}

const ASCII_KEY = HOTP_VECTORS.secretAscii as string // "12345678901234567890"
const HEX_KEY = Buffer.from(ASCII_KEY).toString('hex')
const BASE32_KEY = base32Encode(Buffer.from(ASCII_KEY))
const COMMANDS = ['secret', 'uri', 'code', 'verify', 'resync', 'explain', 'batch', 'bench']

describe('otp: help, version, unknown commands', () => {
  it('prints the overview on stderr and exits 2 without a command', async () => {
    const run = await otp([])
    expect(run.status).toBe(2)
    for (const name of COMMANDS) expect(run.stderr).toContain(`  ${name} `)
  })

  it('prints the overview on stdout and exits 0 for --help', async () => {
    const run = await otp(['--help'])
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^Usage: otp COMMAND/)
    expect(run.stdout).toContain('0 ok or valid, 1 a code that did not verify, 2 a usage or input error')
  })

  it.each(COMMANDS)('has --help, -h and `otp help` for %s', async (name) => {
    const runs = await Promise.all([otp([name, '--help']), otp([name, '-h']), otp(['help', name])])
    for (const run of runs) {
      expect(run.status).toBe(0)
      expect(run.stdout).toMatch(new RegExp(`^Usage: otp ${name}`))
      expect(run.stdout).toContain('Exit status:')
    }
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout)
  })

  it('prints the package version', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    const run = await otp(['--version'])
    expect(run.status).toBe(0)
    expect(run.stdout).toBe(`${manifest.version}\n`)
  })

  it('rejects unknown commands and options with exit 2', async () => {
    await usageError(['frobnicate'], /unknown command 'frobnicate'/)
    await usageError(['help', 'frobnicate'], /unknown command 'frobnicate'/)
    await usageError(['code', BASE32_KEY, '--frobnicate'], /unknown option --frobnicate[\s\S]*otp code --help/)
    await usageError(['code', BASE32_KEY, '--digits'], /--digits/)
  })
})

describe('otp secret', () => {
  it('prints 20 random bytes (160 bits) as unpadded base32 by default', async () => {
    const [a, b] = await Promise.all([otp(['secret']), otp(['secret'])])
    for (const run of [a, b]) {
      expect(run.status).toBe(0)
      expect(run.stdout).toMatch(/^[A-Z2-7]{32}\n$/)
      expect(base32Decode(run.stdout.trim())).toHaveLength(20)
    }
    expect(a.stdout).not.toBe(b.stdout)
  })

  it('makes --bytes N bytes', async () => {
    const run = await otp(['secret', '--bytes', '64'])
    expect(run.status).toBe(0)
    expect(base32Decode(run.stdout.trim())).toHaveLength(64)
  })

  it('refuses fewer than 20 bytes, and nonsense', async () => {
    await usageError(['secret', '--bytes', '19'], /at least 20 bytes \(160 bits/)
    await usageError(['secret', '--bytes', '16'], /at least 20 bytes/)
    await usageError(['secret', '--bytes', 'many'], /--bytes expects a whole number/)
    await usageError(['secret', '--bytes', '1025'], /at most 1024/)
    await usageError(['secret', 'extra'], /takes no arguments/)
  })
})

describe('otp uri', () => {
  it('writes the Key URI of a given secret, label and issuer percent-encoded', async () => {
    const run = await otp(['uri', '--issuer', 'ACME Co', '--account', 'alice@example.com', '--secret', 'jbsw y3dp ehpk 3pxp'])
    expect(run.status).toBe(0)
    expect(run.stdout).toBe(
      'otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30\n',
    )
  })

  it('generates a 20-byte secret when none is given, and --bytes more', async () => {
    const runs = await Promise.all([
      otp(['uri', '--issuer', 'X', '--account', 'y']),
      otp(['uri', '--issuer', 'X', '--account', 'y', '--bytes', '32']),
    ])
    expect(parseUri(runs[0]!.stdout).secret).toHaveLength(20)
    expect(parseUri(runs[1]!.stdout).secret).toHaveLength(32)
    await usageError(['uri', '--issuer', 'X', '--account', 'y', '--bytes', '10'], /at least 20 bytes/)
  })

  it('takes hex and text secrets, HOTP counters and every parameter', async () => {
    const run = await otp([
      'uri',
      '--issuer',
      'Big Corp',
      '--account',
      'bob',
      '--secret',
      `hex:${HEX_KEY}`,
      '--hotp',
      '18446744073709551615',
      '--digits',
      '8',
      '--algorithm',
      'sha512',
    ])
    expect(run.status).toBe(0)
    expect(parseUri(run.stdout)).toEqual({
      type: 'hotp',
      secret: new Uint8Array(Buffer.from(ASCII_KEY)),
      account: 'bob',
      issuer: 'Big Corp',
      algorithm: 'SHA512',
      digits: 8,
      counter: 18446744073709551615n,
    })
    const text = await otp(['uri', '--issuer', 'I', '--account', 'a', '--secret', ASCII_KEY, '--secret-format', 'text', '--period', '60'])
    expect(parseUri(text.stdout)).toMatchObject({ secret: new Uint8Array(Buffer.from(ASCII_KEY)), period: 60 })
  })

  it('rejects incomplete or contradictory options with exit 2', async () => {
    await usageError(['uri', '--account', 'a'], /--issuer is required/)
    await usageError(['uri', '--issuer', 'I'], /--account is required/)
    await usageError(['uri', '--issuer', 'I', '--account', 'a', '--secret', BASE32_KEY, '--bytes', '20'], /does not go with --secret/)
    await usageError(['uri', '--issuer', 'I', '--account', 'a', '--hotp', '1', '--period', '30'], /--period applies to TOTP/)
    await usageError(['uri', '--issuer', 'I', '--account', 'a', '--digits', '4'], /--digits expects a whole number from 6 to 10/)
    await usageError(['uri', '--issuer', 'I', '--account', 'a', '--algorithm', 'MD5'], /SHA1, SHA256, SHA512/)
    await usageError(['uri', '--issuer', 'I', '--account', 'a', '--light'], /--light .* --qr/)
    const bad = await usageError(['uri', '--issuer', 'I', '--account', 'a', '--secret', 'JBSWY3DP1XYZ'], /base32/)
    expect(bad.stderr).not.toContain('JBSWY3DP1XYZ')
  })
})

describe('otp code', () => {
  it('computes the RFC 4226 Appendix D codes from base32, hex: and text: secrets', async () => {
    const runs = await Promise.all(
      HOTP_VECTORS.cases.flatMap((vector: { counter: number; hotp: string }) => [
        otp(['code', BASE32_KEY, '--hotp', String(vector.counter)]),
        otp(['code', `hex:${HEX_KEY}`, '--hotp', String(vector.counter)]),
        otp(['code', `text:${ASCII_KEY}`, '--hotp', String(vector.counter)]),
        otp(['code', '--secret-format', 'text', ASCII_KEY, '--hotp', String(vector.counter)]),
      ]),
    )
    HOTP_VECTORS.cases.forEach((vector: { hotp: string }, i: number) => {
      for (const run of runs.slice(i * 4, i * 4 + 4)) {
        expect(run.status).toBe(0)
        expect(run.stdout).toBe(`${vector.hotp}\n`)
      }
    })
  })

  it('computes the RFC 6238 Appendix B codes for SHA1, SHA256 and SHA512', async () => {
    const jobs: Array<[Promise<Run>, string]> = []
    for (const vector of TOTP_VECTORS.cases) {
      for (const algorithm of ['SHA1', 'SHA256', 'SHA512']) {
        const args = [
          'code',
          `text:${TOTP_VECTORS.seedsAscii[algorithm]}`,
          '--time',
          String(vector.time),
          '--digits',
          '8',
          '--algorithm',
          algorithm,
        ]
        jobs.push([otp(args), vector[algorithm]])
      }
    }
    for (const [run, expected] of jobs) {
      const { status, stdout } = await run
      expect(status).toBe(0)
      expect(stdout).toBe(`${expected}\n`)
    }
  })

  it('takes --time as an ISO 8601 date, --period and --t0', async () => {
    const iso = await otp(['code', `text:${ASCII_KEY}`, '--time', '2005-03-18T01:58:29Z', '--digits', '8'])
    expect(iso.stdout).toBe('07081804\n')
    const custom = await otp(['code', BASE32_KEY, '--time', '1000', '--period', '60', '--t0', '100'])
    expect(custom.stdout).toBe(`${totp(BASE32_KEY, { time: 1000, period: 60, t0: 100 })}\n`)
  })

  it('defaults to the current TOTP code', async () => {
    const before = totp(BASE32_KEY)
    const run = await otp(['code', BASE32_KEY])
    const after = totp(BASE32_KEY)
    expect(run.status).toBe(0)
    expect([before, after]).toContain(run.stdout.trim())
  })

  it('reads an otpauth:// URI, its parameters overridden by flags', async () => {
    const hotpUri = `otpauth://hotp/I:a?secret=${BASE32_KEY}&counter=7&digits=8&algorithm=SHA256`
    const fromUri = await otp(['code', hotpUri])
    expect(fromUri.stdout).toBe(`${hotp(BASE32_KEY, 7, { digits: 8, algorithm: 'SHA256' })}\n`)
    const overridden = await otp(['code', hotpUri, '--hotp', '9', '--digits', '6'])
    expect(overridden.stdout).toBe(`${hotp(BASE32_KEY, 9, { algorithm: 'SHA256' })}\n`)
    const totpUri = `otpauth://totp/I:a?secret=${BASE32_KEY}&period=60&digits=7`
    const atTime = await otp(['code', totpUri, '--time', '123456'])
    expect(atTime.stdout).toBe(`${totp(BASE32_KEY, { time: 123456, period: 60, digits: 7 })}\n`)
  })

  it("reads the secret from standard input when SECRET is '-'", async () => {
    const run = await otp(['code', '-', '--hotp', '1'], `${BASE32_KEY}\nignored second line\n`)
    expect(run.stdout).toBe('287082\n')
    const uri = await otp(['code', '-', '--hotp', '1'], `otpauth://hotp/I:a?secret=${BASE32_KEY}&counter=0\n`)
    expect(uri.stdout).toBe('287082\n')
    await usageError(['code', '-'], /first line of standard input is empty/)
  })

  it('rejects bad input with exit 2 and a message that never holds the secret', async () => {
    const secret = 'MFRGGZDFMZTWQ2LKNNWG23TP8'
    const bad = await usageError(['code', secret], /outside the base32 alphabet .* at position 24.*--secret-format hex\|text/)
    expect(bad.stderr).not.toContain(secret.slice(0, 8))
    const hex = await usageError(['code', 'hex:31323g'], /not a hex digit at position 5/)
    expect(hex.stderr).not.toContain('31323g')
    await usageError(['code', 'hex:313'], /odd number of digits/)
    await usageError(['code', '--secret-format', 'base64', BASE32_KEY], /--secret-format expects one of base32, hex, text/)
    await usageError(['code', 'text:'], /the secret is empty/)
    await usageError(['code', BASE32_KEY, '--hotp', '1', '--time', '5'], /--time applies to TOTP/)
    await usageError(['code', BASE32_KEY, '--hotp=-1'], /--hotp expects a counter/)
    await usageError(['code', BASE32_KEY, '--hotp', '18446744073709551616'], /--hotp expects a counter/)
    await usageError(['code', BASE32_KEY, '--time', 'yesterday'], /--time expects unix seconds or an ISO 8601 date/)
    await usageError(['code', BASE32_KEY, '--time', '10', '--t0', '20'], /before --t0/)
    await usageError(['code', BASE32_KEY, '--digits', '11'], /6 to 10/)
    await usageError(['code'], /expected SECRET or URI, got 0/)
    await usageError(['code', `otpauth://totp/a?secret=${BASE32_KEY}`, '--secret-format', 'hex'], /does not apply to an otpauth/)
    const uri = await usageError(
      ['code', `otpauth://totp/a?secret=${BASE32_KEY}&digits=5`],
      /the URI: expected 'digits' to be an integer from 6 to 10 \(INVALID_URI\)/,
    )
    expect(uri.stderr).not.toContain(BASE32_KEY)
  })
})

describe('otp verify', () => {
  it('exits 0 for a valid TOTP code and says which step matched', async () => {
    const code = totp(BASE32_KEY, { time: 1000 - 30 })
    const run = await otp(['verify', BASE32_KEY, code, '--time', '1000'])
    expect(run.status).toBe(0)
    expect(run.stdout).toBe('valid: time step 32 (delta -1)\n')
  })

  it('exits 0 for a valid HOTP code in the window and names the next counter', async () => {
    const run = await otp(['verify', BASE32_KEY, hotp(BASE32_KEY, 12), '--hotp', '10', '--window', '5'])
    expect(run.status).toBe(0)
    expect(run.stdout).toBe('valid: counter 12 (delta 2); the next counter is 13\n')
  })

  it('exits 1 for a wrong code and names the secret format and parameters assumed', async () => {
    const code = hotp(BASE32_KEY, 12) === '000000' ? '000001' : '000000'
    const run = await otp(['verify', BASE32_KEY, code, '--hotp', '12'])
    expect(run.status).toBe(1)
    expect(run.stdout).toBe('invalid\n')
    expect(run.stderr).toContain('secret read as base32, 20 bytes; HOTP, SHA1, 6 digits, counter 12; window 0 ahead')
    expect(run.stderr).not.toContain(BASE32_KEY)
  })

  it('exits 1 outside the window: a TOTP code from five steps ago with window 1', async () => {
    const run = await otp(['verify', BASE32_KEY, totp(BASE32_KEY, { time: 1000 - 150 }), '--time', '1000'])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('window ±1')
    expect(run.stderr).toMatch(/hint: the code matches 5 time steps \(150 s\) behind the time checked/)
    const wider = await otp(['verify', BASE32_KEY, totp(BASE32_KEY, { time: 1000 - 150 }), '--time', '1000', '--window', '5'])
    expect(wider.status).toBe(0)
  })

  it('names the secret format that would make the code verify', async () => {
    // These 32 characters are valid base32, and also the text someone may have meant.
    const text = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
    const code = totp(new TextEncoder().encode(text), { time: 5000 })
    const run = await otp(['verify', text, code, '--time', '5000'])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('secret read as base32, 20 bytes')
    expect(run.stderr).toContain('hint: the code matches if the secret is read as text (--secret-format text)')
    expect((await otp(['verify', text, code, '--time', '5000', '--secret-format', 'text'])).status).toBe(0)
  })

  it('names the algorithm and the counter drift that would explain the code', async () => {
    const sha256 = await otp(['verify', BASE32_KEY, hotp(BASE32_KEY, 3, { algorithm: 'SHA256' }), '--hotp', '3'])
    expect(sha256.status).toBe(1)
    expect(sha256.stderr).toContain('hint: the code matches with --algorithm SHA256')
    const ahead = await otp(['verify', BASE32_KEY, hotp(BASE32_KEY, 40), '--hotp', '3'])
    expect(ahead.status).toBe(1)
    expect(ahead.stderr).toContain('hint: the code matches counter 40, 37 past --hotp')
  })

  it('treats a code of the wrong shape as an input error (exit 2)', async () => {
    await usageError(['verify', BASE32_KEY, '12345'], /CODE has 5 digits, but codes here have 6/)
    await usageError(['verify', BASE32_KEY, '12345678'], /add --digits 8/)
    await usageError(['verify', BASE32_KEY, '12a456'], /digits only/)
    await usageError(['verify', BASE32_KEY], /expected SECRET \(or URI\) and CODE, got 1/)
    await usageError(['verify', BASE32_KEY, '123456', '--window', '10001'], /--window expects a whole number from 0 to 10000/)
  })
})

describe('otp resync', () => {
  it('prints the counter the next code will use, as resyncHotp does', async () => {
    const codes = [hotp(BASE32_KEY, 5000), hotp(BASE32_KEY, 5001)]
    const run = await otp(['resync', BASE32_KEY, ...codes, '--from', '10'])
    expect(run.status).toBe(0)
    expect(run.stdout).toBe('5002\n')
    expect(resyncHotp(BASE32_KEY, codes, 10)).toBe(5002)
  })

  it('honours --look-ahead, and exits 1 when no counter matches', async () => {
    const codes = [hotp(BASE32_KEY, 5000), hotp(BASE32_KEY, 5001)]
    const short = await otp(['resync', BASE32_KEY, ...codes, '--from', '10', '--look-ahead', '100'])
    expect(short.status).toBe(1)
    expect(short.stdout).toBe('')
    expect(short.stderr).toContain('no counter from 10 to 109 produces these 2 codes in a row (secret read as base32, 20 bytes')
  })

  it('starts from the counter of an hotp URI, and with big counters', async () => {
    const from = 2n ** 60n
    const codes = [hotp(BASE32_KEY, from + 3n, { digits: 8 }), hotp(BASE32_KEY, from + 4n, { digits: 8 })]
    const uri = `otpauth://hotp/I:a?secret=${BASE32_KEY}&counter=${from}&digits=8`
    const run = await otp(['resync', uri, ...codes])
    expect(run.stdout).toBe(`${from + 5n}\n`)
  })

  it('rejects bad input with exit 2', async () => {
    await usageError(['resync', BASE32_KEY, '123456'], /--from is required/)
    await usageError(['resync', BASE32_KEY, '--from', '0'], /at least one CODE/)
    await usageError(['resync', BASE32_KEY, '1234567', '--from', '0'], /CODE 1 has 7 digits/)
    await usageError(['resync', BASE32_KEY, '123456', '--from', '0', '--look-ahead', '0'], /--look-ahead expects a whole number from 1/)
    await usageError(['resync', BASE32_KEY, ...Array(17).fill('123456'), '--from', '0'], /at most 16 codes/)
    await usageError(['resync', `otpauth://totp/a?secret=${BASE32_KEY}`, '123456', '--from', '0'], /applies to HOTP/)
  })
})

describe('otp explain', () => {
  /** The values the explanation shows, read back from its text. */
  function shown(stdout: string) {
    const hmac = [...stdout.matchAll(/^ {2}\[ ?\d+\] ([0-9a-f ]+)$/gm)].map((m) => m[1]!.replace(/ /g, '')).join('')
    return {
      counterBytes: /8 bytes, big-endian \(section 5\.2\): ([0-9a-f ]+)/.exec(stdout)?.[1],
      hmac,
      offset: Number(/ -> 0x[0-9a-f] = (\d+)/.exec(stdout)?.[1]),
      taken: /4 bytes +HS\[\d+\.\.\d+\] = ([0-9a-f ]+) =/.exec(stdout)?.[1]?.replace(/ /g, ''),
      value: Number(/& 0x7fffffff = 0x[0-9a-f]{8} = (\d+)/.exec(stdout)?.[1]),
      code: /^code +(\d+)$/m.exec(stdout)?.[1],
    }
  }

  it('shows every intermediate value of RFC 4226 Appendix D', async () => {
    const runs = await Promise.all(
      HOTP_VECTORS.cases.map((vector: { counter: number }) => otp(['explain', `text:${ASCII_KEY}`, '--counter', String(vector.counter)])),
    )
    HOTP_VECTORS.cases.forEach(
      (vector: { counter: number; hmac: string; truncatedHex: string; truncated: number; hotp: string }, i: number) => {
        const run = runs[i]!
        expect(run.status).toBe(0)
        const values = shown(run.stdout)
        expect(values.counterBytes).toBe(`00 00 00 00 00 00 00 0${vector.counter}`)
        expect(values.hmac).toBe(vector.hmac)
        const offset = parseInt(vector.hmac.slice(-1), 16)
        expect(values.offset).toBe(offset)
        expect(values.taken).toBe(vector.hmac.slice(offset * 2, offset * 2 + 8))
        expect(values.value).toBe(vector.truncated)
        expect(run.stdout).toContain(`${vector.truncated} mod 10^6 = ${Number(vector.hotp)}`)
        expect(values.code).toBe(vector.hotp)
        expect(run.stdout).toContain(`the library's hotp() gives ${vector.hotp} too`)
      },
    )
  })

  it('shows the RFC 6238 time step and agrees with totp() for SHA-256 and SHA-512', async () => {
    const vector = TOTP_VECTORS.cases[1]
    for (const algorithm of ['SHA256', 'SHA512']) {
      const run = await otp([
        'explain',
        `text:${TOTP_VECTORS.seedsAscii[algorithm]}`,
        '--time',
        String(vector.time),
        '--digits',
        '8',
        '--algorithm',
        algorithm,
      ])
      expect(run.status).toBe(0)
      expect(run.stdout).toContain(`floor((${vector.time} - 0) / 30) = ${parseInt(vector.step, 16)}`)
      expect(run.stdout).toContain(`= 0x${vector.step.toLowerCase()}`)
      expect(shown(run.stdout).hmac).toHaveLength(algorithm === 'SHA256' ? 64 : 128)
      expect(shown(run.stdout).code).toBe(vector[algorithm])
      expect(run.stdout).toContain(`the library's totp() gives ${vector[algorithm]} too`)
    }
  })

  it('matches the library on random keys, counters, digits and algorithms', async () => {
    const cases = fc.sample(
      fc.record({
        key: fc.uint8Array({ minLength: 1, maxLength: 200 }),
        counter: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        digits: fc.integer({ min: 6, max: 10 }),
        algorithm: fc.constantFrom('SHA1' as const, 'SHA256' as const, 'SHA512' as const),
      }),
      24,
    )
    const runs = await Promise.all(
      cases.map((c) =>
        otp([
          'explain',
          `hex:${Buffer.from(c.key).toString('hex')}`,
          '--counter',
          String(c.counter),
          '--digits',
          String(c.digits),
          '--algorithm',
          c.algorithm,
        ]),
      ),
    )
    cases.forEach((c, i) => {
      const expected = hotp(c.key, c.counter, { digits: c.digits, algorithm: c.algorithm })
      expect(runs[i]!.status).toBe(0)
      expect(shown(runs[i]!.stdout).code).toBe(expected)
    })
  })

  it('prints the key only when asked to', async () => {
    const hidden = await otp(['explain', BASE32_KEY, '--counter', '0'])
    expect(hidden.stdout).toContain('key K           base32, 20 bytes')
    expect(hidden.stdout).not.toContain('31 32 33 34')
    const shownKey = await otp(['explain', BASE32_KEY, '--counter', '0', '--show-key'])
    expect(shownKey.stdout).toContain('[ 0] 31 32 33 34 35 36 37 38 39 30 31 32 33 34 35 36')
  })

  it('rejects bad input with exit 2', async () => {
    await usageError(['explain', BASE32_KEY, '--counter', 'x'], /--counter expects a counter/)
    await usageError(['explain', BASE32_KEY, '--counter', '1', '--period', '60'], /--period applies to TOTP/)
    await usageError(['explain'], /expected SECRET or URI, got 0/)
  })
})

describe('otp bench', () => {
  it('times the three workloads against node:crypto, checking every answer, and points to npm run bench', async () => {
    const run = await otp(['bench', '--runs', '1'])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const lines = run.stdout.split('\n')
    expect(lines[0]).toMatch(/^otp-wasm against a node:crypto loop, HMAC-SHA-1, Node v\d+/)
    for (const workload of ['verify one TOTP code', 'verifyColumns, 1,000,000 records', 'resync scan, 10,000,000 counters']) {
      expect(lines.find((line) => line.startsWith(workload))).toMatch(/ [\d.]+ [kM]?\/s +[\d.]+ [kM]?\/s +[\d.]+×$/)
    }
    expect(run.stdout).toMatch(/otp-wasm backend (wasm-simd|wasm|js); the batch and the scan on 1 thread\(s\)/)
    expect(run.stdout).toContain('`npm run bench` in a checkout of otp-wasm')
  })

  it('rejects arguments and unknown or bad options with exit 2', async () => {
    await usageError(['bench', 'now'], /takes no arguments/)
    await usageError(['bench', '--quick'], /unknown option --quick\n/)
    await usageError(['bench', '--runs', '0'], /--runs expects a whole number from 1 to 50, got '0'/)
  })
})

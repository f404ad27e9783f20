/**
 * `otp batch` as a user runs it: files and standard input, NDJSON and CSV, one result per record in
 * order, bad lines answered for themselves, and a large file (250,000 records) checked against the library.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { base32Encode, hotp, randomSecret, totp, verifyHotp, verifyTotp } from '../src/index.js'
import { OTP_MAIN as MAIN, otp } from './helpers/cli.js'

const DIR = mkdtempSync(join(tmpdir(), 'otp-batch-'))
const KEY = 'JBSWY3DPEHPK3PXP'

// The large input is ~22 MB: leave nothing behind.
afterAll(() => rmSync(DIR, { recursive: true, force: true }))

function file(name: string, content: string): string {
  const path = join(DIR, name)
  writeFileSync(path, content)
  return path
}

function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const json = (lines: unknown[]) => lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n'
const results = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line))

describe('otp batch: NDJSON', () => {
  const code = totp(KEY, { time: 1000 })
  const input = json([
    { id: 'ok', secret: KEY, code, time: 1000 },
    '',
    { id: 7, secret: KEY, code: totp(KEY, { time: 1030 }), time: 1000 },
    { secret: KEY, code: code === '000000' ? '000001' : '000000', time: 1000 },
    `not json, with the secret ${KEY} in it`,
    { secret: 'JBSWY3DP0', code: '123456', time: 1000 },
    { secret: KEY, code: 123456 },
    { secret: KEY, code: hotp(KEY, 12), counter: '10', window: 3 },
    { secret: KEY, code: hotp(KEY, 12, { digits: 8, algorithm: 'SHA256' }), counter: 12, digits: 8, algorithm: 'sha256' },
    { secret: `hex:${Buffer.from(KEY).toString('hex')}`, code: totp(new TextEncoder().encode(KEY), { time: 50 }), time: 50 },
    { secret: `otpauth://hotp/I:a?secret=${KEY}&counter=4&digits=7`, code: hotp(KEY, 4, { digits: 7 }) },
    { secret: KEY, code: '12345', time: 1000 },
    { secret: KEY, code, time: 1000, digits: 5 },
    [1, 2],
  ])

  it('answers every record in order, each bad line with its own error', async () => {
    const run = await otp(['batch', file('mixed.ndjson', input)])
    expect(run.status).toBe(0)
    expect(run.stderr).toBe('')
    expect(results(run.stdout)).toEqual([
      { line: 1, id: 'ok', valid: true, delta: 0 },
      { line: 3, id: 7, valid: true, delta: 1 },
      { line: 4, valid: false, delta: null },
      { line: 5, valid: false, error: { code: 'INVALID_RECORD', message: 'line is not valid JSON' } },
      { line: 6, valid: false, error: { code: 'INVALID_SECRET', message: expect.stringMatching(/outside the base32 alphabet/) } },
      { line: 7, valid: false, error: { code: 'INVALID_CODE', message: expect.stringMatching(/must be a string/) } },
      { line: 8, valid: true, delta: 2 },
      { line: 9, valid: true, delta: 0 },
      { line: 10, valid: true, delta: 0 },
      { line: 11, valid: true, delta: 0 },
      {
        line: 12,
        valid: false,
        error: {
          code: 'INVALID_CODE',
          message: expect.stringMatching(/^code has 5 digits where 6 are expected: a leading zero was probably lost/),
        },
      },
      { line: 13, valid: false, error: { code: 'INVALID_DIGITS', message: expect.stringMatching(/6 to 10/) } },
      { line: 14, valid: false, error: { code: 'INVALID_RECORD', message: expect.stringMatching(/JSON object/) } },
    ])
    expect(run.stdout).not.toContain(KEY)
  })

  it('gives the same results from standard input, with one thread, and with CRLF line ends', async () => {
    const fromFile = await otp(['batch', file('same.ndjson', input)])
    const runs = await Promise.all([
      otp(['batch'], input),
      otp(['batch', '-', '--threads', '1'], input),
      otp(['batch', '--threads', '3'], input.replace(/\n/g, '\r\n')),
    ])
    for (const run of runs) {
      expect(run.status).toBe(0)
      expect(run.stdout).toBe(fromFile.stdout)
    }
  })

  it('applies the flags to records that lack the field', async () => {
    const hex = Buffer.from('12345678901234567890').toString('hex')
    const run = await otp(
      ['batch', '--secret-format', 'hex', '--time', '59', '--digits', '8', '--algorithm', 'SHA1', '--window', '0'],
      json([
        { secret: hex, code: '94287082' },
        { secret: hex, code: '94287082', time: 89 },
        { secret: hex, code: '287082', counter: 1, digits: 6 },
      ]),
    )
    expect(results(run.stdout)).toEqual([
      { line: 1, valid: true, delta: 0 },
      { line: 2, valid: false, delta: null },
      { line: 3, valid: true, delta: 0 },
    ])
  })

  it('answers a line longer than 1 MiB with an error and goes on', async () => {
    const long = JSON.stringify({ secret: KEY, code: '123456', padding: 'x'.repeat(3 << 20) })
    const ok = JSON.stringify({ secret: KEY, code, time: 1000 })
    const run = await otp(['batch', file('long.ndjson', `${ok}\n${long}\n${ok}\n${long}`)])
    expect(results(run.stdout)).toEqual([
      { line: 1, valid: true, delta: 0 },
      { line: 2, valid: false, error: { code: 'INVALID_RECORD', message: 'line is longer than 1048576 bytes' } },
      { line: 3, valid: true, delta: 0 },
      { line: 4, valid: false, error: { code: 'INVALID_RECORD', message: 'line is longer than 1048576 bytes' } },
    ])
  })
})

describe('otp batch: CSV', () => {
  const code = totp(KEY, { time: 1000 })
  const csv = [
    'ID,Secret,Code,Time,Counter,Notes',
    `a,${KEY},${code},1000,,first`,
    `"b, quoted",${KEY},${hotp(KEY, 5)},,5,"says ""hi"""`,
    `c,${KEY},000000`,
    `d,"${KEY}`,
    '',
  ].join('\n')

  it('detects CSV, reads quoted cells, and answers in CSV', async () => {
    const run = await otp(['batch', file('records.csv', csv), '--time', '1000'])
    expect(run.status).toBe(0)
    expect(run.stdout).toBe(
      [
        'line,id,valid,delta,error_code,error_message',
        '2,a,true,0,,',
        '3,"b, quoted",true,0,,',
        `4,c,${code === '000000' ? 'true,0' : 'false,'},,`,
        '5,,false,,INVALID_RECORD,CSV line has a quoted field without its closing quote',
        '',
      ].join('\n'),
    )
  })

  it('answers CSV in NDJSON with --output ndjson', async () => {
    const run = await otp(['batch', '--output', 'ndjson', '--time', '1000'], csv)
    expect(results(run.stdout)[1]).toEqual({ line: 3, id: 'b, quoted', valid: true, delta: 0 })
  })

  it('rejects a header without a secret or code column with exit 2', async () => {
    const run = await otp(['batch', '--format', 'csv'], 'id,code\n1,123456\n')
    expect(run.status).toBe(2)
    expect(run.stderr).toContain("line 1: the CSV header must name a 'secret' column")
  })
})

describe('otp batch: mistakes made on the way to the file', () => {
  it('says a code lost its leading zeros, as a spreadsheet does to 012345', async () => {
    const code = totp(KEY, { time: 1000 })
    const csv = [
      'id,secret,code,time,digits',
      `a,${KEY},12345,1000,`,
      `b,${KEY},123,1000,`,
      `c,${KEY},1234567,1000,8`,
      `d,${KEY},${code},1000,`,
      '',
    ].join('\n')
    const run = await otp(['batch', '--format', 'csv'], csv)
    expect(run.status).toBe(0)
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines[1]).toMatch(
      /^2,a,false,,INVALID_CODE,"code has 5 digits where 6 are expected: a leading zero was probably lost, as spreadsheets drop them; keep codes as text/,
    )
    expect(lines[2]).toMatch(/^3,b,false,,INVALID_CODE,"code has 3 digits where 6 are expected: 3 leading zeros were probably lost/)
    expect(lines[3]).toMatch(/^4,c,false,,INVALID_CODE,"code has 7 digits where 8 are expected/)
    expect(lines[4]).toBe('5,d,true,0,,')
  })

  it('keeps the id of a record whose line has an error', async () => {
    const run = await otp(
      ['batch'],
      json([
        { id: 'code-number', secret: KEY, code: 123456 },
        { id: 42, secret: '', code: '123456' },
        { id: 'bad-secret', secret: 'JBSWY3DP0', code: '123456', time: 1000 },
        { id: 'bad-digits', secret: KEY, code: '123456', digits: 4 },
        { id: 'bad-counter', secret: KEY, code: '123456', counter: 'ten' },
        { id: 'ms', secret: KEY, code: '123456', time: 1733400000000 },
      ]),
    )
    expect(results(run.stdout)).toEqual([
      { line: 1, id: 'code-number', valid: false, error: { code: 'INVALID_CODE', message: expect.stringMatching(/must be a string/) } },
      { line: 2, id: 42, valid: false, error: { code: 'INVALID_RECORD', message: expect.stringMatching(/needs "secret"/) } },
      { line: 3, id: 'bad-secret', valid: false, error: { code: 'INVALID_SECRET', message: expect.stringMatching(/base32/) } },
      { line: 4, id: 'bad-digits', valid: false, error: { code: 'INVALID_DIGITS', message: expect.stringMatching(/6 to 10/) } },
      { line: 5, id: 'bad-counter', valid: false, error: { code: 'INVALID_COUNTER', message: expect.stringMatching(/counter/) } },
      {
        line: 6,
        id: 'ms',
        valid: false,
        error: { code: 'INVALID_TIME', message: '"time" is unix seconds; 1733400000000 looks like milliseconds (divide it by 1000)' },
      },
    ])
  })
})

describe('otp batch: the command line', () => {
  it.skipIf(!hasScript())('says it is reading a terminal, and how to end, when stdin is one', () => {
    // script(1) gives the command a terminal for standard input; Ctrl-D (EOT) at once ends it.
    const screen = execFileSync('script', ['-qec', `${process.execPath} ${MAIN} batch --no-progress`, '/dev/null'], {
      encoding: 'utf8',
      input: '\x04',
      timeout: 30_000,
    })
    expect(screen).toMatch(/^otp batch: reading records from standard input \(the terminal\).*press Ctrl-D at the start of a line to end/)
    const piped = spawnSync(process.execPath, [MAIN, 'batch'], { encoding: 'utf8', input: '' })
    expect(piped.stderr).toBe('')
  })

  it('rejects usage errors with exit 2', async () => {
    for (const [args, message] of [
      [['batch', join(DIR, 'missing.ndjson')], /cannot read .*missing\.ndjson \(ENOENT\)/],
      [['batch', DIR], /is a directory/],
      [['batch', '--format', 'xml'], /--format expects one of ndjson, csv/],
      [['batch', '--threads', '0'], /--threads expects a whole number from 1/],
      [['batch', 'a', 'b'], /expected one FILE/],
      [['batch', '--progress', '--no-progress'], /contradict/],
    ] as const) {
      const run = await otp([...args])
      expect(run.status).toBe(2)
      expect(run.stderr).toMatch(message)
    }
  })

  it('shows progress with the rate on stderr when asked, and none by default off a terminal', async () => {
    const input = json(Array.from({ length: 50 }, () => ({ secret: KEY, code: '123456' })))
    const path = file('progress.ndjson', input)
    const shown = await otp(['batch', path, '--progress'])
    expect(shown.stderr).toMatch(/\[#+\] 100\.0% {2}50 records {2}[\d,]+\/s {2}ETA 0:00/)
    const hidden = await otp(['batch', path])
    expect(hidden.stderr).toBe('')
    const piped = await otp(['batch', '--progress'], input)
    expect(piped.stderr).toMatch(/50 records {2}[\d,]+\/s/)
    expect(piped.stderr).not.toContain('ETA')
  })

  it.skipIf(!hasScript())('shows progress by itself when stderr is a terminal', () => {
    // script(1) runs the command on a pseudo-terminal and copies what it draws to our stdout.
    const input = file('tty.ndjson', json(Array.from({ length: 100 }, () => ({ secret: KEY, code: '123456' }))))
    const output = join(DIR, 'tty.out')
    const screen = execFileSync('script', ['-qec', `${process.execPath} ${MAIN} batch ${input} > ${output}`, '/dev/null'], {
      encoding: 'utf8',
    })
    expect(screen).toMatch(/\[#{24}\] 100\.0% {2}100 records {2}[\d,]+\/s {2}ETA 0:00/)
    expect(readFileSync(output, 'utf8').trimEnd().split('\n')).toHaveLength(100)
  })

  it('stops quietly when its reader does (otp batch | head)', async () => {
    const path = file('head.ndjson', json(Array.from({ length: 200_000 }, () => ({ secret: KEY, code: '123456', time: 1000 }))))
    const child = spawn(process.execPath, [MAIN, 'batch', path], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.stdout.once('data', () => child.stdout.destroy())
    const status = await new Promise((resolve) => child.on('close', resolve))
    expect(stderr).toBe('')
    expect(status).toBe(0)
  })
})

const LINES = 250_000

describe('otp batch: a large file', () => {
  // 250,000 lines: about fifteen groups of records through the pool, each with its bad lines.
  it('answers 250,000 NDJSON lines exactly as the library does, in order', async () => {
    const secrets = Array.from({ length: 500 }, () => base32Encode(randomSecret(20)))
    const lines: string[] = []
    const expected: Array<number | null | string> = []
    for (let i = 0; i < LINES; i++) {
      const secret = secrets[i % secrets.length]!
      const time = 1_700_000_000 + i * 7
      if (i % 10_007 === 0) {
        lines.push(`{"secret":"${secret}","code":`) // cut short
        expected.push('INVALID_RECORD')
      } else if (i % 3 === 0) {
        const counter = i * 13
        const code = i % 2 === 0 ? hotp(secret, counter + (i % 3)) : String(i % 1_000_000).padStart(6, '0')
        lines.push(`{"id":${i},"secret":"${secret}","code":"${code}","counter":${counter},"window":2}`)
        expected.push(verifyHotp(secret, code, counter, { window: 2 }))
      } else {
        const code = i % 5 === 0 ? String((i * 7919) % 1_000_000).padStart(6, '0') : totp(secret, { time: time + 30 * ((i % 3) - 1) })
        lines.push(`{"id":${i},"secret":"${secret}","code":"${code}","time":${time}}`)
        expected.push(verifyTotp(secret, code, { time }))
      }
    }
    const path = file('large.ndjson', `${lines.join('\n')}\n`)
    lines.length = 0

    const run = await otp(['batch', path])
    expect(run.status).toBe(0)
    const out = run.stdout.split('\n')
    expect(out.pop()).toBe('')
    expect(out).toHaveLength(LINES)
    let matches = 0
    for (let i = 0; i < out.length; i++) {
      const result = JSON.parse(out[i]!)
      expect(result.line).toBe(i + 1)
      const want = expected[i]!
      if (typeof want === 'string') {
        expect(result.error.code).toBe(want)
        continue
      }
      expect(result.id).toBe(i)
      if (result.valid !== (want !== null) || (want !== null && result.delta !== want)) {
        throw new Error(`line ${i + 1}: expected ${want}, got ${out[i]}`)
      }
      if (want !== null) matches++
    }
    // The mix must exercise both outcomes, or the comparison above proves little.
    expect(matches).toBeGreaterThan(0.4 * LINES)
    expect(matches).toBeLessThan(0.9 * LINES)
  }, 180_000)
})

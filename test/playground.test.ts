/**
 * The playground end to end in headless Chromium, served by scripts/playground.js from its own
 * build folder (playground/dist/, outside the package) with its Content-Security-Policy: the codes and steps it shows agree with the library and the RFC vectors,
 * a pasted URI fills the form, verification names the matched delta, the throughput box runs its
 * scans in a Web Worker, and the page asks nothing of any other origin. Screenshots are written to
 * test-artifacts/.
 */
import { execFileSync } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { hotp, ocra, parseUri, totp, type Algorithm } from '../src/index.js'
// @ts-expect-error: a plain JS script, typed by its JSDoc
import { PLAYGROUND_CSP, servePlayground } from '../scripts/playground.js'
import { launchChromium, type Chromium } from './helpers/browser.js'

const read = (name: string) => JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8'))
const RFC4226 = read('rfc4226-appendix-d.json')
const RFC6238 = read('rfc6238-appendix-b.json')
const RFC6287 = read('rfc6287-appendix-c.json') as {
  keys: Record<string, string>
  pin: string
  pinSha1: string
  tables: Array<{ suite: string; key: string; password?: string; mutual?: string; rows: Array<Record<string, string | number>> }>
}
/** The appendix C table of a suite (the one-way or signature table, not a mutual one). */
const ocraTable = (suite: string) => RFC6287.tables.find((table) => table.suite === suite && table.mutual === undefined)!
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url))

function hasZbar(): boolean {
  try {
    execFileSync('zbarimg', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe('playground in headless Chromium', () => {
  let browser: Chromium
  let server: { url: string; close(): Promise<void> }
  let page: Page
  // Everything the page asked for, and everything it complained about, across each test.
  let requests: string[]
  let problems: string[]

  beforeAll(async () => {
    server = await servePlayground()
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  beforeEach(async () => {
    requests = []
    problems = []
    page = await browser.context.newPage()
    page.on('request', (request) => requests.push(request.url()))
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text())
    })
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
    const response = await page.goto(server.url)
    expect(response?.headers()['content-security-policy']).toBe(PLAYGROUND_CSP)
    await page.waitForSelector('#backend[data-backend]')
    return async () => {
      await page.close()
      // Nothing but this site's own files, and nothing refused or broken on the way.
      for (const url of requests) expect(url.startsWith(server.url), url).toBe(true)
      expect(problems).toEqual([])
    }
  })

  /** Types a TOTP setting as a person would: the secret as text, a fixed time (which stops the clock). */
  async function typeTotp(seed: string, time: number, digits: number, algorithm: Algorithm): Promise<void> {
    await page.getByRole('radio', { name: 'text (UTF-8)' }).check()
    await page.getByRole('textbox', { name: 'Secret', exact: true }).fill(seed)
    await page.getByLabel('Algorithm').selectOption(algorithm)
    await page.getByLabel('Digits').fill(String(digits))
    await page.getByLabel('Time (unix s)').fill(String(time))
  }

  const text = async (selector: string) => ((await page.locator(selector).textContent()) ?? '').trim()

  it('shows the RFC 6238 codes and the library agrees, with every step', async () => {
    expect(await text('#backend')).toBe('WASM SIMD')
    for (const [algorithm, seed] of Object.entries(RFC6238.seedsAscii as Record<Algorithm, string>) as Array<[Algorithm, string]>) {
      for (const vector of RFC6238.cases as Array<Record<string, string> & { time: number }>) {
        await typeTotp(seed, vector.time, 8, algorithm)
        expect(await page.getByLabel('now, ticking').isChecked()).toBe(false)
        const key = Buffer.from(seed)
        const options = { digits: 8, algorithm, period: 30 }
        expect(await text('#current-code')).toBe(vector[algorithm])
        expect(await text('#current-code')).toBe(totp(key, { ...options, time: vector.time }))
        expect(await text('#previous-code')).toBe(totp(key, { ...options, time: vector.time - 30 }))
        expect(await text('#next-code')).toBe(totp(key, { ...options, time: vector.time + 30 }))
        expect(await text('#current-step')).toBe(`T = ${BigInt(`0x${vector.step}`)}`)
        // The steps: the HMAC as node:crypto computes it, and the check against the engine.
        const counter = Buffer.from(vector.step, 'hex')
        const mac = createHmac(algorithm.replace('SHA', 'sha'), key).update(counter).digest()
        expect((await text('li[data-step="hmac"] code')).replace(/\s+/g, '')).toBe(mac.toString('hex'))
        expect(await page.locator('li[data-step="check"]').getAttribute('data-agree')).toBe('true')
      }
    }
    // The three forms of the RFC seed.
    await typeTotp(RFC6238.seedsAscii.SHA1, 59, 8, 'SHA1')
    expect(await text('#form-base32')).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')
    expect(await text('#form-hex')).toBe(Buffer.from(RFC6238.seedsAscii.SHA1).toString('hex'))
    expect(await text('#form-text')).toBe(RFC6238.seedsAscii.SHA1)
    // Switching the form rewrites the same key.
    await page.getByRole('radio', { name: 'hex' }).check()
    expect(await page.getByRole('textbox', { name: 'Secret', exact: true }).inputValue()).toBe(
      Buffer.from(RFC6238.seedsAscii.SHA1).toString('hex'),
    )
    expect(await text('#current-code')).toBe('94287082')
  })

  it('shows the RFC 4226 steps of each HOTP counter', async () => {
    await page.getByRole('radio', { name: 'HOTP' }).check()
    await page.getByRole('radio', { name: 'hex' }).check()
    await page.getByRole('textbox', { name: 'Secret', exact: true }).fill(Buffer.from(RFC4226.secretAscii).toString('hex'))
    for (const vector of RFC4226.cases as Array<{ counter: number; hmac: string; truncatedHex: string; truncated: number; hotp: string }>) {
      await page.getByLabel('Counter', { exact: true }).fill(String(vector.counter))
      expect(await text('#current-code')).toBe(vector.hotp)
      expect((await text('li[data-step="hmac"] code')).replace(/\s+/g, '')).toBe(vector.hmac)
      const offset = parseInt(vector.hmac.slice(-1), 16)
      expect(await text('li[data-step="offset"] code')).toMatch(new RegExp(`= ${offset}$`))
      expect(await text('li[data-step="word"] code')).toMatch(new RegExp(`= 0x${vector.hmac.slice(2 * offset, 2 * offset + 8)}$`))
      expect(await text('li[data-step="value"] code')).toMatch(new RegExp(`= 0x${vector.truncatedHex} = ${vector.truncated}$`))
      expect(await text('li[data-step="modulo"] code')).toBe(`${vector.truncated} mod 1000000 = ${Number(vector.hotp)} → ${vector.hotp}`)
      expect(await text('#previous-code')).toBe(vector.counter === 0 ? '—' : RFC4226.cases[vector.counter - 1].hotp)
    }
    // Past 2^53 the counter is a bigint in the library, and still right.
    const big = 2n ** 60n + 5n
    await page.getByLabel('Counter', { exact: true }).fill(String(big))
    expect(await text('#current-code')).toBe(hotp(Buffer.from(RFC4226.secretAscii), big))
    await page.getByLabel('Counter', { exact: true }).fill(String(2n ** 64n))
    expect(await page.getByLabel('Counter', { exact: true }).getAttribute('aria-invalid')).toBe('true')
    expect(await text('#params-message')).toContain('2^64 - 1')
  })

  it('fills the form from a pasted URI, and writes the URI and its QR code back', async () => {
    const uri =
      'otpauth://hotp/ACME%20Co:bob@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20Co&algorithm=SHA256&digits=8&counter=7'
    await page.getByLabel('Paste an otpauth:// URI').fill(uri)
    expect(await page.getByRole('radio', { name: 'HOTP' }).isChecked()).toBe(true)
    expect(await page.getByRole('radio', { name: 'base32' }).isChecked()).toBe(true)
    expect(await page.getByRole('textbox', { name: 'Secret', exact: true }).inputValue()).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')
    expect(await page.getByLabel('Algorithm').inputValue()).toBe('SHA256')
    expect(await page.getByLabel('Digits').inputValue()).toBe('8')
    expect(await page.getByLabel('Counter', { exact: true }).inputValue()).toBe('7')
    expect(await page.getByLabel('Issuer').inputValue()).toBe('ACME Co')
    expect(await page.getByLabel('Account').inputValue()).toBe('bob@example.com')
    expect(await text('#uri-message')).toContain('Read a HOTP URI: SHA256, 8 digits, counter 7')
    expect(await text('#current-code')).toBe(hotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 7, { digits: 8, algorithm: 'SHA256' }))

    // The URI written back reads as the same token.
    const written = await page.getByLabel('URI', { exact: true }).inputValue()
    expect(parseUri(written)).toEqual(parseUri(uri))
    const qr = page.locator('#qr')
    await expect.poll(() => qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml,/)
    expect(await qr.getAttribute('alt')).toBeTruthy()

    // A broken URI says what is wrong and leaves the form as it was.
    await page.getByLabel('Paste an otpauth:// URI').fill('otpauth://totp/x?secret=GEZDGNBV&digits=12')
    expect(await page.getByLabel('Paste an otpauth:// URI').getAttribute('aria-invalid')).toBe('true')
    expect(await text('#uri-message')).toMatch(/digits/)
    expect(await page.getByLabel('Digits').inputValue()).toBe('8')
  })

  it.skipIf(!hasZbar())('draws a QR code that a scanner reads as the URI shown', async () => {
    await page.getByLabel('Account').fill('jürgen@example.com')
    const uri = await page.getByLabel('URI', { exact: true }).inputValue()
    await expect.poll(() => page.locator('#qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true)
    mkdirSync(ARTIFACTS, { recursive: true })
    const file = join(ARTIFACTS, 'playground-qr.png')
    writeFileSync(file, await page.locator('#qr').screenshot())
    const scanned = execFileSync('zbarimg', ['--quiet', '--raw', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    expect(scanned.trim()).toBe(uri)
  })

  it('copies the URI to the clipboard', async () => {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url })
    await page.getByLabel('now, ticking').check()
    await page.getByRole('button', { name: 'Copy the URI' }).click()
    await expect.poll(() => text('#uri-output-message')).toBe('Copied.')
    // The ticking clock re-renders the page each second; the message stays.
    const time = await page.getByLabel('Time (unix s)').inputValue()
    await expect.poll(() => page.getByLabel('Time (unix s)').inputValue(), { timeout: 3000 }).not.toBe(time)
    expect(await text('#uri-output-message')).toBe('Copied.')
    const uri = await page.getByLabel('URI', { exact: true }).inputValue()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(uri)
  })

  it('verifies a code and names the delta that matched', async () => {
    const seed = RFC6238.seedsAscii.SHA1
    await typeTotp(seed, 1111111109, 8, 'SHA1')
    const code = page.getByLabel('Code', { exact: true })
    const result = page.locator('#verify-result')
    const at = (time: number) => totp(Buffer.from(seed), { time, digits: 8 })
    await code.fill(at(1111111109 - 30))
    expect(await result.getAttribute('data-delta')).toBe('-1')
    expect(await result.textContent()).toContain('Match at delta -1: 1 step ago')
    await code.fill(at(1111111109 + 60))
    expect(await result.getAttribute('data-delta')).toBe('null')
    await page.getByLabel('Window (steps either way)').fill('2')
    expect(await result.getAttribute('data-delta')).toBe('2')
    // HOTP: the window looks ahead, and the next counter follows the match.
    await page.getByRole('radio', { name: 'HOTP' }).check()
    await page.getByLabel('Counter', { exact: true }).fill('3')
    await page.getByLabel('Look-ahead (counters after C)').fill('5')
    await code.fill(hotp(Buffer.from(seed), 7, { digits: 8 }))
    expect(await result.textContent()).toBe('Match at delta 4: counter 7; the next code will use counter 8.')
  })

  it('shows Steam Guard codes with their steps and URI, verifies one, and reads a Steam Guard URI', async () => {
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
    const steam = (time: number) => totp(secret, { encoding: 'steam', time })
    await page.getByRole('radio', { name: 'Steam Guard' }).check()
    await page.getByRole('textbox', { name: 'Secret', exact: true }).fill(secret)
    await page.getByLabel('Time (unix s)').fill('1111111109')
    // SHA-1 and 5 characters: the fields that do not apply are hidden.
    expect(await page.getByLabel('Digits').isVisible()).toBe(false)
    expect(await page.getByLabel('Algorithm').isVisible()).toBe(false)
    expect(await text('#current-code')).toMatch(/^[23456789BCDFGHJKMNPQRTVWXY]{5}$/)
    expect(await text('#current-code')).toBe(steam(1111111109))
    expect(await text('#previous-code')).toBe(steam(1111111079))
    expect(await text('#next-code')).toBe(steam(1111111139))
    expect(await text('#current-step')).toBe('T = 37037036')
    // The steps end in base 26 instead of a modulo, and agree with the engine.
    expect(await page.locator('li[data-step="modulo"]').count()).toBe(0)
    expect(await text('li[data-step="steam"] code')).toMatch(new RegExp(`^\\d+ → (\\d+, ){4}\\d+ → ${steam(1111111109)}$`))
    expect(await page.locator('li[data-step="check"]').getAttribute('data-agree')).toBe('true')

    // Verification takes either case, as people type it.
    const result = page.locator('#verify-result')
    await page.getByLabel('Code', { exact: true }).fill(steam(1111111079).toLowerCase())
    expect(await result.getAttribute('data-delta')).toBe('-1')
    expect(await page.getByLabel('Code', { exact: true }).getAttribute('inputmode')).toBe('text')
    await page.getByLabel('Code', { exact: true }).fill('BBBBB')
    expect(await result.getAttribute('data-delta')).toBe('null')

    // The URI is a Steam Guard one, and pasting one chooses Steam Guard again.
    const written = await page.getByLabel('URI', { exact: true }).inputValue()
    expect(written).toContain('digits=5&encoder=steam')
    expect(parseUri(written)).toMatchObject({ type: 'totp', encoding: 'steam', algorithm: 'SHA1' })
    await page.getByRole('radio', { name: 'TOTP' }).check()
    expect(await page.getByLabel('Digits').inputValue()).toBe('6')
    await page.getByLabel('Paste an otpauth:// URI').fill(written)
    expect(await page.getByRole('radio', { name: 'Steam Guard' }).isChecked()).toBe(true)
    expect(await text('#uri-message')).toContain('Read a Steam Guard URI: SHA1, 5 characters, period 30 s')
    expect(await page.getByLabel('Digits').inputValue()).toBe('6')
    expect(await text('#current-code')).toBe(steam(1111111109))
  })

  /** Types an OCRA suite and its hex key as a person would. */
  async function typeOcra(suite: string, keyHex: string): Promise<void> {
    await page.getByLabel('Suite', { exact: true }).fill(suite)
    await page.getByLabel('Key written as').selectOption('hex')
    await page.getByLabel('Key', { exact: true }).fill(keyHex)
  }

  it('computes the RFC 6287 appendix C responses, with C, P and T when the suite names them', async () => {
    // The section opens on the RFC's first example.
    expect(await page.getByLabel('Suite', { exact: true }).inputValue()).toBe('OCRA-1:HOTP-SHA1-6:QN08')
    expect(await text('#ocra-response')).toBe('237653')
    for (const field of ['Counter C', 'P given as', 'T value']) expect(await page.getByLabel(field).isVisible()).toBe(false)

    const oneWay = ocraTable('OCRA-1:HOTP-SHA1-6:QN08')
    await typeOcra(oneWay.suite, RFC6287.keys[oneWay.key]!)
    for (const row of oneWay.rows) {
      await page.getByLabel('Question Q').fill(String(row.question))
      expect(await text('#ocra-response')).toBe(row.code)
    }

    // C and P: the counter and the PIN, typed or as its hash.
    const counted = ocraTable('OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1')
    await page.getByLabel('Example suites').selectOption(counted.suite)
    expect(await page.getByLabel('Suite', { exact: true }).inputValue()).toBe(counted.suite)
    await page.getByRole('button', { name: 'RFC test key' }).click()
    expect(await page.getByLabel('Key', { exact: true }).inputValue()).toBe(RFC6287.keys[counted.key])
    expect(await page.getByLabel('T value').isVisible()).toBe(false)
    await page.getByLabel('PIN (hashed with SHA1)').fill(counted.password!)
    for (const row of counted.rows) {
      await page.getByLabel('Question Q').fill(String(row.question))
      await page.getByLabel('Counter C').fill(String(row.counter))
      expect(await text('#ocra-response')).toBe(row.code)
    }
    await page.getByLabel('P given as').selectOption('hash')
    await page.getByLabel('PIN hash (SHA1, 20 bytes as hex)').fill(RFC6287.pinSha1)
    expect(await text('#ocra-response')).toBe(counted.rows.at(-1)!.code)

    // T: the step count as the RFC prints it (hex minutes), as a decimal count, or as unix seconds.
    const timed = ocraTable('OCRA-1:HOTP-SHA512-8:QN08-T1M')
    await typeOcra(timed.suite, RFC6287.keys[timed.key]!)
    expect(await page.getByLabel('Counter C').isVisible()).toBe(false)
    expect(await page.getByLabel('P given as').isVisible()).toBe(false)
    await page.getByLabel('T given as').selectOption('steps-hex')
    for (const row of timed.rows) {
      await page.getByLabel('Question Q').fill(String(row.question))
      await page.getByLabel('T value').fill(String(row.timestamp))
      expect(await text('#ocra-response')).toBe(row.code)
    }
    const last = timed.rows.at(-1)!
    const minutes = parseInt(String(last.timestamp), 16)
    expect(await text('#ocra-time-detail')).toContain(`T = ${minutes} (0x${last.timestamp}) steps of 1 minute`)
    await page.getByLabel('T given as').selectOption('seconds')
    await page.getByLabel('T value').fill(String(minutes * 60 + 59))
    expect(await text('#ocra-response')).toBe(last.code)

    // An alphanumeric question with T, and a suite answered with the whole HMAC; the library agrees.
    const signature = ocraTable('OCRA-1:HOTP-SHA512-8:QA10-T1M')
    await typeOcra(signature.suite, RFC6287.keys[signature.key]!)
    await page.getByLabel('T given as').selectOption('steps')
    await page.getByLabel('T value').fill(String(parseInt(String(signature.rows[0]!.timestamp), 16)))
    await page.getByLabel('Question Q').fill(String(signature.rows[0]!.question))
    expect(await text('#ocra-response')).toBe(signature.rows[0]!.code)
    const session = 'a1'.repeat(64)
    await typeOcra('OCRA-1:HOTP-SHA1-0:QH40-S064', RFC6287.keys.seed20!)
    await page.getByLabel('Question Q').fill('00ff')
    await page.getByLabel('Session information S (64 bytes as hex)').fill(session)
    const whole = ocra('OCRA-1:HOTP-SHA1-0:QH40-S064', Buffer.from(RFC6287.keys.seed20!, 'hex'), { question: '00ff', session })
    expect(whole).toMatch(/^[0-9a-f]{40}$/)
    expect(await text('#ocra-response')).toBe(whole)
    // The message's layout: suite, separator, Q, S.
    expect(await page.locator('#ocra-layout tr').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.field))).toEqual([
      'suite',
      '0x00',
      'Q',
      'S',
    ])
    expect(await text('#ocra-layout tr[data-field="S"] td:nth-of-type(1)')).toBe('157–220 (64)')
  })

  it('verifies a typed OCRA response and names the counter or time step that matched', async () => {
    const result = page.locator('#ocra-verify-result')
    const typed = page.getByLabel('Response to check')
    await typed.fill('237653')
    expect(await result.getAttribute('data-delta')).toBe('0')
    expect(await text('#ocra-verify-result')).toBe('Match: this is the response to these inputs.')
    await typed.fill('2376 53') // as read out in groups
    expect(await result.getAttribute('data-delta')).toBe('0')
    await typed.fill('243178') // the response to 11111111
    expect(await result.getAttribute('data-delta')).toBe('null')
    expect(await result.getAttribute('data-kind')).toBe('error')

    const counted = ocraTable('OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1')
    await typeOcra(counted.suite, RFC6287.keys[counted.key]!)
    await page.getByLabel('PIN (hashed with SHA1)').fill(counted.password!)
    await page.getByLabel('Question Q').fill('12345678')
    await page.getByLabel('Counter C').fill('2')
    await typed.fill(String(counted.rows[5]!.code))
    expect(await result.getAttribute('data-delta')).toBe('null')
    await page.getByLabel('C look-ahead: counters after C').fill('4')
    expect(await text('#ocra-verify-result')).toBe('Match at counter 5 (delta 3); the next counter is 6.')

    const timed = ocraTable('OCRA-1:HOTP-SHA512-8:QN08-T1M')
    await typeOcra(timed.suite, RFC6287.keys[timed.key]!)
    await page.getByLabel('T given as').selectOption('steps-hex')
    await page.getByLabel('Question Q').fill('00000000')
    await page.getByLabel('T value').fill((parseInt(String(timed.rows[0]!.timestamp), 16) + 1).toString(16))
    await typed.fill(String(timed.rows[0]!.code))
    expect(await result.getAttribute('data-delta')).toBe('-1')
    expect(await text('#ocra-verify-result')).toContain('Match at delta -1: 1 step before it')
    await page.getByLabel('T window: steps before and after').fill('0')
    expect(await result.getAttribute('data-delta')).toBe('null')
    // A window past the library's bound is refused at its field.
    await page.getByLabel('T window: steps before and after').fill('100000')
    expect(await page.getByLabel('T window: steps before and after').getAttribute('aria-invalid')).toBe('true')
    expect(await text('#ocra-verify-result')).toMatch(/timeWindow must be a whole number from 0 to \d+/)
  })

  it('says what is wrong with a malformed OCRA suite or input, at its field', async () => {
    const suite = page.getByLabel('Suite', { exact: true })
    await suite.fill('OCRA-1:HOTP-SHA1-6:QX08')
    expect(await suite.getAttribute('aria-invalid')).toBe('true')
    expect(await text('#ocra-suite-message')).toBe(
      'OCRA suite "OCRA-1:HOTP-SHA1-6:QX08": data input "QX08" must be the question QFxx (F = N, A or H; xx = 04 to 64), after an optional C',
    )
    expect(await text('#ocra-response')).toBe('—')
    expect(await page.getByRole('button', { name: 'New challenge' }).isDisabled()).toBe(true)
    await suite.fill('OCRA-1:HOTP-SHA1-6:C-QN08-T1M-PSHA1')
    expect(await text('#ocra-suite-message')).toContain('data input "PSHA1" is repeated or out of order')
    await suite.fill('OCRA-1:HOTP-SHA1-6:QN08')
    expect(await suite.getAttribute('aria-invalid')).toBeNull()
    expect(await text('#ocra-response')).toBe('237653')

    // Each input's error goes to its own field.
    const question = page.getByLabel('Question Q')
    await question.fill('12ab5678')
    expect(await question.getAttribute('aria-invalid')).toBe('true')
    expect(await text('#ocra-message')).toBe('question must be decimal digits for OCRA-1:HOTP-SHA1-6:QN08')
    await question.fill('123456789')
    expect(await text('#ocra-message')).toContain('question must be 4 to 8 decimal digits')
    await page.getByRole('button', { name: 'New challenge' }).click()
    expect(await question.inputValue()).toMatch(/^\d{8}$/)
    expect(await question.getAttribute('aria-invalid')).toBeNull()

    const key = page.getByLabel('Key', { exact: true })
    await key.fill('31323')
    expect(await key.getAttribute('aria-invalid')).toBe('true')
    expect(await text('#ocra-key-message')).toBe('key: hex needs two digits per byte, got 5 digits')
    expect(await text('#ocra-response')).toBe('—')
    await page.getByRole('button', { name: 'RFC test key' }).click()
    expect(await key.getAttribute('aria-invalid')).toBeNull()

    await suite.fill('OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1')
    const counter = page.getByLabel('Counter C')
    await counter.fill('-1')
    expect(await counter.getAttribute('aria-invalid')).toBe('true')
    expect(await text('#ocra-message')).toBe('counter C: a whole number from 0')
    await counter.fill(String(2n ** 64n))
    expect(await text('#ocra-message')).toContain('counter must be from 0 to 2^64 - 1')
    await counter.fill('0')
    await page.getByLabel('P given as').selectOption('hash')
    const pin = page.getByLabel('PIN hash (SHA1, 20 bytes as hex)')
    await pin.fill('7110eda4')
    expect(await pin.getAttribute('aria-invalid')).toBe('true')
    expect(await text('#ocra-message')).toContain('passwordHash (PSHA1) must be 20 bytes as 40 hex digits')
    expect(await counter.getAttribute('aria-invalid')).toBeNull()

    await suite.fill('OCRA-1:HOTP-SHA1-6:QN08-T0H')
    expect(await text('#ocra-suite-message')).toContain('T: a step count (T0H has no step length)')
    await page.getByLabel('T given as').selectOption('seconds')
    await page.getByLabel('T value').fill('1206446760')
    expect(await page.getByLabel('T value').getAttribute('aria-invalid')).toBe('true')
    expect(await text('#ocra-message')).toContain('has a time step of 0 hours: give timestamp, the step count')
  })

  it('generates a secret from the keyboard, and labels every control', async () => {
    const secret = page.getByRole('textbox', { name: 'Secret', exact: true })
    const before = await secret.inputValue()
    await secret.focus()
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('generate')
    await page.keyboard.press('Enter')
    const after = await secret.inputValue()
    expect(after).not.toBe(before)
    expect(after).toMatch(/^[A-Z2-7]{32}$/) // 20 bytes, 160 bits
    expect(await text('#current-code')).toBe(totp(after))
    // Every form control has a label a screen reader announces; every button has a name.
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLInputElement>('input, select, textarea, progress'))
        .filter((c) => (c.labels?.length ?? 0) === 0 && !c.getAttribute('aria-label') && !c.getAttribute('aria-labelledby'))
        .map((c) => c.id || c.outerHTML),
    )
    expect(unlabelled).toEqual([])
    expect(await page.evaluate(() => Array.from(document.querySelectorAll('button')).every((b) => b.textContent!.trim() !== ''))).toBe(true)
  })

  it('lets its Content-Security-Policy refuse a request to another origin', async () => {
    // Proof that the policy is in force: even code in the page could not send a secret away.
    const outcome = await page.evaluate(() =>
      fetch('http://198.51.100.7/collect').then(
        () => 'sent',
        (error: Error) => error.name,
      ),
    )
    expect(outcome).toBe('TypeError')
    expect(problems.some((message) => /Content Security Policy/.test(message))).toBe(true)
    problems = []
    requests = requests.filter((url) => url !== 'http://198.51.100.7/collect')
  })

  it('reads on a phone without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await typeTotp(RFC6238.seedsAscii.SHA1, 1111111109, 8, 'SHA1')
    // OCRA at its widest: every optional input, a whole SHA-512 HMAC as the response, the layout open.
    await page.getByLabel('Suite', { exact: true }).fill('OCRA-1:HOTP-SHA512-0:C-QA64-PSHA512-S512-T48H')
    await page.getByLabel('Session information S (512 bytes as hex)').fill('ab'.repeat(512))
    await page.getByText('The message hashed (section 5.1), field by field').click()
    expect(await text('#ocra-response')).toMatch(/^[0-9a-f]{128}$/)
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    mkdirSync(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: join(ARTIFACTS, 'playground-phone.png'), fullPage: true })
  })

  it('stops a throughput run on request', async () => {
    await page.getByLabel('Counters', { exact: true }).fill('100000000')
    await page.getByRole('button', { name: 'Run' }).click()
    await page.waitForSelector('#bench-rows tr[data-kernel="wasm-simd"] progress:not([value="0"])')
    await page.getByRole('button', { name: 'Stop' }).click()
    expect(await page.getByRole('button', { name: 'Run' }).isEnabled()).toBe(true)
    expect(await page.getByRole('button', { name: 'Stop' }).isDisabled()).toBe(true)
    expect(await text('#bench-message')).toBe('Stopped.')
    const progress = await page.locator('#bench-rows progress').evaluateAll((bars) => bars.map((bar) => (bar as HTMLProgressElement).value))
    await page.waitForTimeout(500)
    // The worker is gone: nothing moves any more.
    expect(await page.locator('#bench-rows progress').evaluateAll((bars) => bars.map((bar) => (bar as HTMLProgressElement).value))).toEqual(
      progress,
    )
    expect(progress[0]).toBeLessThan(100_000_000)
  })

  it('scans 10,000,000 counters on WASM SIMD and scalar and a tenth on JS, in a worker, then takes the screenshot', async () => {
    await typeTotp(RFC6238.seedsAscii.SHA1, 1111111109, 8, 'SHA1')
    await page.getByLabel('Code', { exact: true }).fill(totp(Buffer.from(RFC6238.seedsAscii.SHA1), { time: 1111111079, digits: 8 }))
    expect(await page.getByLabel('Counters', { exact: true }).inputValue()).toBe('10000000')
    const worker = page.waitForEvent('worker')
    await page.getByRole('button', { name: 'Run' }).click()
    expect((await worker).url()).toBe(`${server.url}bench-worker.js`)
    // The page stays responsive while the worker scans: timers fire on time. (Scanning on the main
    // thread, even in pieces, would hold a timer for half a piece, about 100 ms, on average.)
    const delays: number[] = []
    for (let i = 0; i < 7; i++) {
      delays.push(
        await page.evaluate(
          () =>
            new Promise<number>((done) => {
              const t = performance.now()
              setTimeout(() => done(performance.now() - t), 0)
            }),
        ),
      )
      await page.waitForTimeout(150)
    }
    expect(delays.sort((a, b) => a - b)[3]).toBeLessThan(50)
    await page.waitForSelector('#bench-run:not([disabled])', { timeout: 150_000 })
    expect(await text('#bench-message')).toContain('every counter was computed')
    const rows = await page
      .locator('#bench-rows tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [
          (tr as HTMLElement).dataset.kernel,
          tr.children[1]!.textContent,
          Number((tr.querySelector('.rate') as HTMLElement).dataset.rate),
        ]),
      )
    expect(rows.map(([kernel, counters]) => [kernel, counters])).toEqual([
      ['wasm-simd', '10,000,000'],
      ['wasm', '10,000,000'],
      ['js', '1,000,000'],
    ])
    for (const [, , rate] of rows) expect(rate).toBeGreaterThan(0)
    mkdirSync(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: join(ARTIFACTS, 'playground.png'), fullPage: true })
  }, 180_000)
})

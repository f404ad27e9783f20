/**
 * The browser build end to end: a page in headless Chromium imports dist/browser/otp-wasm.js and
 * computes the RFC 4226 appendix D and RFC 6238 appendix B vectors on every backend it can get. Served
 * plainly, the WASM kernel loads; served with a Content-Security-Policy that lacks 'wasm-unsafe-eval',
 * WASM is refused, 'auto' falls back to the JS kernel with one warning, and the answers stay the same.
 * Bundled apps are test/bundlers.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hotp } from '../src/index.js'
import { launchChromium, serveStatic, type Chromium, type StaticServer } from './helpers/browser.js'

type BrowserOtp = typeof import('../src/browser/index.js')

const read = (name: string) => JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8'))
const RFC4226 = read('rfc4226-appendix-d.json')
const RFC6238 = read('rfc6238-appendix-b.json')

const SECRET = RFC4226.secretAscii as string

/** Two consecutive codes at `at`, for a resync scan of `lookAhead` counters from 0. */
function resyncCase(at: number, lookAhead: number) {
  return { at, lookAhead, codes: [hotp(Buffer.from(SECRET), at), hotp(Buffer.from(SECRET), at + 1)] }
}

/**
 * What the page gets: the RFC vectors, and two resync cases: a long one, past the 2^20 counters after
 * which an engine yields to the event loop (on WASM), and a short one (on JS, which scans about
 * 150,000 counters a second).
 */
const INPUT = {
  hotp: { secret: SECRET, counters: RFC4226.cases.map((c: { counter: number }) => c.counter) as number[] },
  totp: { seeds: RFC6238.seedsAscii as Record<string, string>, times: RFC6238.cases.map((c: { time: number }) => c.time) as number[] },
  longResync: resyncCase(1_100_000, 1_200_000),
  shortResync: resyncCase(9_000, 10_000),
}

/** Everything the page computed with one API (the module's functions or one engine). */
interface Computed {
  backend: string
  hotp: string[]
  verifyHotp: Array<number | null>
  totp: Record<string, string[]>
  verifyTotp: Record<string, Array<number | null>>
  resync: { at: number; next: string }
  batch: string[]
}

interface PageResult {
  early: { backend: string; code: string }
  ready: string
  module: Computed
  engines: Record<string, Computed | { error: string; cause: string }>
  threads: string
  /** The Content-Security-Policy violations the page saw: 'directive blocked-uri'. */
  violations: string[]
}

/**
 * The page's script, serialized into /page.js: it runs in Chromium, so it uses nothing from this
 * file but its arguments.
 */
async function pageMain(otp: BrowserOtp, input: typeof INPUT): Promise<PageResult> {
  const bytes = (text: string) => new TextEncoder().encode(text)
  const violations: string[] = []
  document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.effectiveDirective} ${event.blockedURI}`))
  // Before `ready`: the module-level functions already answer, on the JS kernel.
  const early = { backend: otp.defaultBackend(), code: otp.hotp(bytes(input.hotp.secret), 0) }
  const ready = await otp.ready

  type Api = Pick<BrowserOtp, 'hotp' | 'totp' | 'verifyHotp' | 'verifyTotp'> & {
    resyncHotp(
      ...args: Parameters<BrowserOtp['resyncHotp']>
    ): ReturnType<BrowserOtp['resyncHotp']> | Promise<ReturnType<BrowserOtp['resyncHotp']>>
  }
  async function compute(api: Api, backend: string, engine?: Awaited<ReturnType<BrowserOtp['createEngine']>>): Promise<Computed> {
    const key = bytes(input.hotp.secret)
    const codes = input.hotp.counters.map((counter) => api.hotp(key, counter))
    const out: Computed = {
      backend,
      hotp: codes,
      verifyHotp: codes.map((code) => api.verifyHotp(key, code, 0, { window: 9 })),
      totp: {},
      verifyTotp: {},
      resync: { at: 0, next: '' },
      batch: [],
    }
    const scan = backend === 'js' ? input.shortResync : input.longResync
    out.resync = { at: scan.at, next: String(await api.resyncHotp(key, scan.codes, 0, { lookAhead: scan.lookAhead })) }
    for (const [algorithm, seed] of Object.entries(input.totp.seeds)) {
      const options = { digits: 8, algorithm: algorithm as 'SHA1' }
      out.totp[algorithm] = input.totp.times.map((time) => api.totp(bytes(seed), { ...options, time }))
      out.verifyTotp[algorithm] = out.totp[algorithm]!.map((code, i) =>
        api.verifyTotp(bytes(seed), code, { ...options, time: input.totp.times[i]! + 30 }),
      )
    }
    if (engine) {
      const records = codes.map((code, counter) => ({ secret: key, code, counter: 0, window: counter }))
      out.batch = (await engine.verifyBatch(records)).map(String)
    }
    return out
  }

  const result: PageResult = { early, ready, module: await compute(otp, otp.defaultBackend()), engines: {}, threads: '', violations }
  const choices = { auto: {}, wasm: { backend: 'wasm' }, scalar: { backend: 'wasm', simd: false }, js: { backend: 'js' } } as const
  for (const [name, options] of Object.entries(choices)) {
    try {
      const engine = await otp.createEngine(options)
      result.engines[name] = await compute(engine, engine.backend, engine)
      await engine.close()
    } catch (error) {
      const { code, cause } = error as { code?: string; cause?: unknown }
      result.engines[name] = { error: code ?? String(error), cause: String(cause) }
    }
  }
  try {
    await otp.createEngine({ threads: 2 })
    result.threads = 'accepted'
  } catch (error) {
    result.threads = (error as { code?: string }).code ?? String(error)
  }
  return result
}

const PAGE_JS = `import * as otp from './otp-wasm.js'
const input = ${JSON.stringify(INPUT)}
;(${pageMain.toString()})(otp, input).then(
  (result) => { window.__result = result },
  (error) => { window.__result = { failed: String(error && error.stack || error) } },
)`
const PAGE_HTML =
  '<!doctype html><meta charset="utf-8"><title>otp-wasm</title><link rel="icon" href="data:,"><script type="module" src="page.js"></script>'

const EXPECTED_HOTP = RFC4226.cases.map((c: { hotp: string }) => c.hotp)
const expectedTotp = (algorithm: string) => RFC6238.cases.map((c: Record<string, string>) => c[algorithm])

/** Checks one API's answers against the RFCs. */
function expectVectors(computed: PageResult['engines'][string] | undefined, backend: string, batch: boolean): void {
  expect(computed).toBeDefined()
  expect(computed).not.toHaveProperty('error')
  const c = computed as Computed
  expect(c.backend).toBe(backend)
  expect(c.hotp).toEqual(EXPECTED_HOTP)
  expect(c.verifyHotp).toEqual(EXPECTED_HOTP.map((_: string, i: number) => i))
  for (const algorithm of ['SHA1', 'SHA256', 'SHA512']) {
    expect(c.totp[algorithm], algorithm).toEqual(expectedTotp(algorithm))
    // Checked one step later: each code is the previous step's, delta -1.
    expect(c.verifyTotp[algorithm], algorithm).toEqual(RFC6238.cases.map(() => -1))
  }
  // The counter after the two codes, whichever scan ran.
  expect(c.resync.next).toBe(String(c.resync.at + 2))
  expect(c.resync.at).toBe(backend === 'js' ? INPUT.shortResync.at : INPUT.longResync.at)
  if (batch) expect(c.batch).toEqual(EXPECTED_HOTP.map((_: string, i: number) => String(i)))
}

const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url))
const BROWSER_DIR = join(PACKAGE_DIR, 'dist/browser')

describe('browser build in headless Chromium', () => {
  let browser: Chromium
  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })

  async function runPage(headers: Record<string, string>): Promise<{ result: PageResult; server: StaticServer; console: string[] }> {
    const server = await serveStatic({ mounts: { '/': BROWSER_DIR }, headers, files: { '/index.html': PAGE_HTML, '/page.js': PAGE_JS } })
    const page = await browser.context.newPage()
    const console: string[] = []
    page.on('console', (message) => console.push(`${message.type()}: ${message.text()}`))
    page.on('pageerror', (error) => console.push(`pageerror: ${error.message}`))
    try {
      await page.goto(`${server.url}index.html`)
      await page
        .waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, undefined, { timeout: 50_000 })
        .catch((error: Error) => {
          throw new Error(`${error.message}\nrequests: ${server.requests.join(' ')}\nconsole:\n${console.join('\n')}`)
        })
      const result = await page.evaluate(() => (window as unknown as { __result: PageResult & { failed?: string } }).__result)
      if ('failed' in result) throw new Error(`the page failed: ${result.failed}\n${console.join('\n')}`)
      return { result, server, console }
    } finally {
      await page.close()
      await server.close()
    }
  }

  it('computes the RFC vectors on WASM (SIMD and scalar), and on JS before the WASM is ready', async () => {
    const { result, server, console } = await runPage({})
    expect(console).toEqual([])
    expect(result.early).toEqual({ backend: 'js', code: '755224' })
    expect(result.ready).toBe('wasm-simd')
    expectVectors(result.module, 'wasm-simd', false)
    expectVectors(result.engines.auto, 'wasm-simd', true)
    expectVectors(result.engines.wasm, 'wasm-simd', true)
    expectVectors(result.engines.scalar, 'wasm', true)
    expectVectors(result.engines.js, 'js', true)
    expect(result.threads).toBe('INVALID_OPTIONS')
    expect(result.violations).toEqual([])
    // The bundle and the WASM builds it fetches from next to itself; nothing else.
    for (const path of server.requests) expect(path).toMatch(/^\/(index\.html|page\.js|otp-wasm[\w-]*\.js|otp(-simd)?\.wasm)$/)
    expect(server.requests).toEqual(expect.arrayContaining(['/otp-wasm.js', '/otp-simd.wasm', '/otp.wasm']))
  })

  it("falls back to the JS kernel under a CSP without 'wasm-unsafe-eval', with the same answers", async () => {
    const { result, server, console } = await runPage({ 'content-security-policy': "script-src 'self'" })
    expect(result.ready).toBe('js')
    // Said once, though both `ready` and createEngine() fell back: which file, why, and what to do.
    const warnings = console.filter((line) => line.startsWith('warning: '))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`warning: otp-wasm: cannot compile the WASM kernel from ${server.url}otp.wasm (CompileError: `)
    expect(warnings[0]).toContain("allow 'wasm-unsafe-eval' in script-src")
    expectVectors(result.module, 'js', false)
    expectVectors(result.engines.auto, 'js', true)
    expectVectors(result.engines.js, 'js', true)
    // It was the policy that refused to compile WASM, not a missing file.
    for (const name of ['wasm', 'scalar']) {
      expect(result.engines[name]).toMatchObject({
        error: 'WASM_UNAVAILABLE',
        cause: expect.stringMatching(/^CompileError: .*unsafe-eval/),
      })
    }
    expect(result.violations).toContain('script-src wasm-eval')
    expect(result.threads).toBe('INVALID_OPTIONS')
  })

  // The entries are small modules over chunks they share: every file of the build is checked.
  const files = readdirSync(BROWSER_DIR).filter((name) => /^otp-wasm.*\.js$/.test(name))
  it('checks both entries and the chunks they share', () => {
    expect(files).toEqual(expect.arrayContaining(['otp-wasm.js', 'otp-wasm-inline.js', 'otp-wasm-formats.js']))
    expect(files.length).toBeGreaterThan(3)
  })
  it.each(files)('%s bundles no Node built-in and no worker pool', (file) => {
    const bundle = readFileSync(join(BROWSER_DIR, file), 'utf8')
    expect(bundle).not.toMatch(/\b(from|import|require)\s*\(?\s*["'](node:|fs|os|worker_threads|piscina)/)
    expect(bundle).not.toContain('piscina')
    expect(bundle).not.toContain('availableParallelism')
  })
})

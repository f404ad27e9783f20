/**
 * The package as bundlers see it: an app in its own folder, depending on otp-wasm, imports the
 * default browser entry and `otp-wasm/inline` (test/fixtures/bundlers/), is built by Vite, esbuild
 * and webpack, and runs in headless Chromium. The inline entry runs WASM whatever the bundler; the
 * default entry runs WASM where the bundler emits the package's .wasm files (Vite, webpack's asset
 * modules), and where it does not (esbuild) it falls back to JS with one warning that names the
 * missing file and `otp-wasm/inline`. Every combination computes the RFC vectors.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build as esbuild } from 'esbuild'
import { build as vite } from 'vite'
import webpack from 'webpack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, serveStatic, type Chromium, type ServeOptions } from './helpers/browser.js'

const read = (name: string) => JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8'))
const RFC4226 = read('rfc4226-appendix-d.json')
const RFC6238 = read('rfc6238-appendix-b.json')

/** What the page's run() (test/fixtures/bundlers/run.js) gets. */
const INPUT = {
  secret: RFC4226.secretAscii as string,
  counters: RFC4226.cases.map((c: { counter: number }) => c.counter) as number[],
  seeds: RFC6238.seedsAscii as Record<string, string>,
  times: RFC6238.cases.map((c: { time: number }) => c.time) as number[],
}

/** What it answers. */
interface RunResult {
  ready: string
  hotp: string[]
  totp: Record<string, string[]>
  engine: string
  batch: string[]
  /** `createEngine({ backend: 'wasm', simd: false })`: 'wasm' and the code at counter 1, or the error code. */
  scalar: string
}

const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url))
const FIXTURES = fileURLToPath(new URL('./fixtures/bundlers/', import.meta.url))
const ENTRIES = ['default', 'inline'] as const
type Entry = (typeof ENTRIES)[number]

const html = (entry: Entry, module: boolean) =>
  `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script ${module ? 'type="module" ' : ''}src="./${entry}.js"></script>`

/** An app as a user has one: its own folder, the fixtures as its sources, otp-wasm in node_modules. */
function makeApp(): string {
  const app = mkdtempSync(join(tmpdir(), 'otp-wasm-bundlers-'))
  cpSync(FIXTURES, app, { recursive: true })
  mkdirSync(join(app, 'node_modules'))
  symlinkSync(PACKAGE_DIR, join(app, 'node_modules/otp-wasm'), 'dir')
  return app
}

/** Each bundler builds both entries into `out` as a static site: default.html and inline.html. */
const BUNDLERS = {
  async vite(app: string, out: string) {
    for (const entry of ENTRIES) writeFileSync(join(app, `${entry}.html`), html(entry, true))
    const input = Object.fromEntries(ENTRIES.map((entry) => [entry, join(app, `${entry}.html`)]))
    await vite({ root: app, configFile: false, logLevel: 'silent', build: { outDir: out, rollupOptions: { input } } })
  },
  async esbuild(app: string, out: string) {
    await esbuild({
      entryPoints: ENTRIES.map((entry) => join(app, `${entry}.js`)),
      absWorkingDir: app,
      outdir: out,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      logLevel: 'silent',
    })
    for (const entry of ENTRIES) writeFileSync(join(out, `${entry}.html`), html(entry, true))
  },
  async webpack(app: string, out: string) {
    const config: webpack.Configuration = {
      mode: 'production',
      context: app,
      entry: Object.fromEntries(ENTRIES.map((entry) => [entry, `./${entry}.js`])),
      output: { path: out, filename: '[name].js' },
      optimization: { minimize: false }, // minifying 260 KB of base64 takes seconds and proves nothing
      performance: { hints: false },
      devtool: false,
    }
    const stats = await new Promise<webpack.Stats>((resolve, reject) =>
      webpack(config, (error, result) => (error || !result ? reject(error) : resolve(result))),
    )
    if (stats.hasErrors()) throw new Error(stats.toString('errors-only'))
    for (const entry of ENTRIES) writeFileSync(join(out, `${entry}.html`), html(entry, false))
  },
}
type Bundler = keyof typeof BUNDLERS

/** The kernel each combination must end up on: WASM, unless the bundler left the .wasm files behind. */
const EXPECTED: Record<Bundler, Record<Entry, 'wasm' | 'js'>> = {
  vite: { default: 'wasm', inline: 'wasm' },
  webpack: { default: 'wasm', inline: 'wasm' },
  esbuild: { default: 'js', inline: 'wasm' },
}

// Vite's site is served as a host that does not know .wasm would: the files are read whole, then compiled.
const SERVE: Record<Bundler, Partial<ServeOptions>> = { vite: { types: { '.wasm': 'application/octet-stream' } }, esbuild: {}, webpack: {} }

describe('the package in bundled apps, in headless Chromium', () => {
  let browser: Chromium
  let app: string
  beforeAll(async () => {
    app = makeApp()
    const [launched] = await Promise.all([
      launchChromium(),
      ...Object.entries(BUNDLERS).map(([name, bundle]) => bundle(app, join(app, `out-${name}`))),
    ])
    browser = launched
  })
  afterAll(async () => {
    await browser?.close()
    if (app) rmSync(app, { recursive: true, force: true })
  })

  const cases = (Object.keys(BUNDLERS) as Bundler[]).flatMap((bundler) =>
    ENTRIES.map((entry) => [bundler, entry, EXPECTED[bundler][entry]] as const),
  )

  it.each(cases)('%s, %s entry: runs on %s and computes the RFC vectors', async (bundler, entry, kernel) => {
    const server = await serveStatic({ mounts: { '/': join(app, `out-${bundler}`) }, ...SERVE[bundler] })
    const page = await browser.context.newPage()
    const warnings: string[] = []
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text())
    })
    page.on('pageerror', (error) => errors.push(error.message))
    try {
      await page.goto(`${server.url}${entry}.html`)
      await page.waitForFunction(() => typeof (window as { __run?: unknown }).__run === 'function', undefined, { timeout: 10_000 })
      const result = await page.evaluate(
        (input) => (window as unknown as { __run(input: unknown): Promise<RunResult> }).__run(input),
        INPUT,
      )
      expect(errors).toEqual([])
      expect(result.hotp).toEqual(RFC4226.cases.map((c: { hotp: string }) => c.hotp))
      for (const algorithm of ['SHA1', 'SHA256', 'SHA512']) {
        expect(result.totp[algorithm], algorithm).toEqual(RFC6238.cases.map((c: Record<string, string>) => c[algorithm]))
      }
      expect(result.batch).toEqual(INPUT.counters.map(String))
      const wasmRequests = server.requests.filter((path) => path.endsWith('.wasm'))
      if (kernel === 'wasm') {
        expect(result).toMatchObject({ ready: 'wasm-simd', engine: 'wasm-simd', scalar: 'wasm 287082' })
        expect(warnings).toEqual([])
        // The default entry fetches the files its bundler emitted (webpack names them by their hash
        // alone), each once for the page: SIMD, then scalar for the engine that asks for it. The
        // inline entry fetches nothing.
        if (entry === 'inline') expect(wasmRequests).toEqual([])
        else {
          expect(wasmRequests).toHaveLength(2)
          expect(new Set(wasmRequests).size).toBe(2)
        }
      } else {
        expect(result).toMatchObject({ ready: 'js', engine: 'js', scalar: 'WASM_UNAVAILABLE' })
        expect(wasmRequests).toEqual(expect.arrayContaining(['/otp-simd.wasm', '/otp.wasm']))
        // Once per page, though both `ready` and createEngine() fell back.
        expect(warnings).toHaveLength(1)
        expect(warnings[0]).toContain(`cannot fetch the WASM kernel from ${server.url}otp.wasm (Error: HTTP 404)`)
        expect(warnings[0]).toContain("import 'otp-wasm/inline'")
      }
    } finally {
      await page.close()
      await server.close()
    }
  })
})

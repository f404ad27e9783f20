/** The package as users load it: `import` and `require` by its name, the `otp` bin, and the tarball npm publishes. */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = (args: string[]) => execFileSync(process.execPath, args, { encoding: 'utf8' }).trim()
const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'

describe('package entry points', () => {
  it('imports as ESM by name', () => {
    const script = `import { hotp, createEngine } from 'otp-wasm'; console.log(hotp('${SECRET}', 1), (await createEngine()).backend)`
    expect(run(['--input-type=module', '-e', script])).toMatch(/^287082 wasm/)
  })

  it('requires as CommonJS by name', () => {
    const script = `const { hotp, verifyTotp, OtpError } = require('otp-wasm'); console.log(hotp('${SECRET}', 1), verifyTotp('${SECRET}', '94287082', { time: 59, digits: 8 }), typeof OtpError)`
    expect(run(['-e', script])).toBe('287082 0 function')
  })

  it('computes a code without loading the pool, node:crypto or even node:os (the cold start of serverless callers)', () => {
    const heavy = /^NativeModule (os|crypto|worker_threads|stream)$/
    const script = `import { totp } from 'otp-wasm'; totp('${SECRET}'); console.log(JSON.stringify(process.moduleLoadList))`
    const loaded = JSON.parse(run(['--input-type=module', '-e', script])) as string[]
    expect(loaded.filter((name) => heavy.test(name))).toEqual([])
    // The probe sees what a load of node:os looks like, so that the check above can fail.
    const probe = `import 'node:os'; console.log(JSON.stringify(process.moduleLoadList))`
    expect((JSON.parse(run(['--input-type=module', '-e', probe])) as string[]).filter((name) => heavy.test(name))).toEqual([
      'NativeModule os',
    ])
  })

  it('imports otp-wasm/formats by name: PSKC, transfer URIs and seed files, which the main entry does not load', () => {
    const script = [
      `import { buildMigrationUris, buildPskc, parseMigrationUri, parsePskc, parseSeedCsv } from 'otp-wasm/formats'`,
      `import * as main from 'otp-wasm'`,
      `if ('parseSeedCsv' in main || 'parseMigrationUri' in main) throw new Error('the main entry carries the token formats')`,
      `const tokens = parseSeedCsv('seed,counter\\n3132333435363738393031323334353637383930,1\\n')`,
      `const key = new Uint8Array(16)`,
      `console.log(parsePskc(buildPskc(tokens, { key }), { key }).length, parseMigrationUri(buildMigrationUris(tokens)[0]).tokens[0].counter)`,
    ].join('\n')
    expect(run(['--input-type=module', '-e', script])).toBe('1 1')
  })

  it('imports PSKC from otp-wasm/formats by name', () => {
    const script = `import { buildPskc, parsePskc } from 'otp-wasm/formats'; const key = new Uint8Array(16); console.log(parsePskc(buildPskc([{ type: 'hotp', secret: new Uint8Array(20), algorithm: 'SHA1', digits: 6, counter: 3 }], { key }), { key })[0].counter)`
    expect(run(['--input-type=module', '-e', script])).toBe('3')
  })

  it('gives browsers an otp-wasm/formats of their own: transfer URIs and seed CSV, no PSKC (node:crypto)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    const browser = pkg.exports['./formats'].browser
    expect(readFileSync(new URL(`../${browser.types}`, import.meta.url), 'utf8')).toContain('parseSeedCsv')
    const script = [
      `import * as formats from './${browser.default}'`,
      `const [uri] = formats.buildMigrationUris(formats.parseSeedCsv('seed,counter\\n3132333435363738393031323334353637383930,1\\n'))`,
      `console.log(formats.parseMigrationUri(uri).tokens[0].counter, 'parsePskc' in formats)`,
    ].join('\n')
    expect(run(['--input-type=module', '-e', script])).toBe('1 false')
  })

  it('has one OtpError across the main entry and its subpaths (the bundle shares its chunks)', () => {
    const script = [
      `import { OtpError, BatchBuilder } from 'otp-wasm'`,
      `import { parseMigrationUri } from 'otp-wasm/formats'`,
      `import { checkStoreId } from 'otp-wasm/verifier'`,
      `const thrown = (f) => { try { f() } catch (e) { return e } }`,
      `console.log(thrown(() => parseMigrationUri('x')) instanceof OtpError, thrown(() => checkStoreId('')) instanceof OtpError, new BatchBuilder() instanceof BatchBuilder)`,
    ].join('\n')
    expect(run(['--input-type=module', '-e', script])).toBe('true true true')
  })

  it('runs worker threads and finds its WASM from the built entry', () => {
    const script = [
      `import { createEngine, hotp } from 'otp-wasm'`,
      `const engine = await createEngine({ threads: 2 })`,
      `const codes = await engine.generateBatch(Array.from({ length: 64 }, (_, counter) => ({ secret: '${SECRET}', counter })))`,
      `await engine.close()`,
      `console.log(engine.backend, codes[1], codes.every((code, counter) => code === hotp('${SECRET}', counter)))`,
    ].join('\n')
    expect(run(['--input-type=module', '-e', script])).toMatch(/^wasm(-simd)? 287082 true$/)
  })

  it('declares its types and its bin', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(pkg.exports['.'].types).toBe('./dist/index.d.ts')
    // What the declarations declare is type-checked against the packed package below.
    expect(readFileSync(new URL('../dist/index.d.ts', import.meta.url), 'utf8')).toContain('export {')
    expect(readFileSync(new URL(`../${pkg.bin.otp}`, import.meta.url), 'utf8').startsWith('#!/usr/bin/env node')).toBe(true)
  })
})

/**
 * The tarball npm publishes, unpacked where a user's node_modules would have it (its dependencies
 * resolve from this repository's): what it holds, and that it runs and type-checks by itself, with
 * nothing of build/ or src/ next to it.
 */
describe('the packed package', () => {
  const ROOT = fileURLToPath(new URL('../', import.meta.url))
  let dir: string
  let installed: string
  let packed: { filename: string; unpackedSize: number; files: { path: string; size: number }[] }
  const subpaths = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).exports)
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => subpath.replace(/^\./, 'otp-wasm'))

  beforeAll(() => {
    mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true })
    dir = mkdtempSync(join(ROOT, 'node_modules/.cache/packed-'))
    const npm = (args: string[]) => execFileSync('npm', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    ;[packed] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir]))
    installed = join(dir, 'node_modules/otp-wasm')
    mkdirSync(installed, { recursive: true })
    execFileSync('tar', ['-xzf', join(dir, packed.filename), '-C', installed, '--strip-components=1'])
  }, 60_000)
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('ships each WASM build once and stays under 1 MB unpacked', () => {
    const wasm = packed.files.map((file) => file.path).filter((path) => path.endsWith('.wasm'))
    expect(wasm.sort()).toEqual(['dist/browser/otp-simd.wasm', 'dist/browser/otp.wasm'])
    expect(packed.files.filter((file) => file.path.endsWith('.map'))).toEqual([])
    expect(packed.unpackedSize).toBeLessThan(1_000_000)
  })

  it('runs from the tarball: the Node entry on WASM in worker threads, and the inline browser entry', () => {
    const inDir = (script: string) =>
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' }).trim()
    const node = [
      `import { createEngine, hotp } from 'otp-wasm'`,
      `const engine = await createEngine({ threads: 2 })`,
      `const codes = await engine.generateBatch(Array.from({ length: 8 }, (_, counter) => ({ secret: '${SECRET}', counter })))`,
      `await engine.close()`,
      `console.log(engine.backend, codes[1], hotp('${SECRET}', 1))`,
    ].join('\n')
    expect(inDir(node)).toMatch(/^wasm(-simd)? 287082 287082$/)
    // Node has the browser APIs the inline entry needs (DecompressionStream, WebAssembly.compile).
    const inline = `import { ready, hotp } from './node_modules/otp-wasm/dist/browser/otp-wasm-inline.js'; console.log(await ready, hotp('${SECRET}', 1))`
    expect(inDir(inline)).toMatch(/^wasm(-simd)? 287082$/)
  })

  // The build keeps only the declarations the exported types reach: a missing one fails here.
  it.each([
    ['Node', { module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'] }],
    ['browser', { module: 'ESNext', moduleResolution: 'Bundler', customConditions: ['browser'], types: [] }],
  ])(
    'type-checks a %s project that imports every subpath',
    (_, options) => {
      const project = join(dir, `consumer-${options.moduleResolution}`)
      mkdirSync(project)
      const lines = subpaths.map((subpath, i) => `import * as entry${i} from '${subpath}'`)
      lines.push(`export const entries = [${subpaths.map((_, i) => `entry${i}`).join(', ')}]`)
      lines.push(`import { hotp, createEngine, type Engine } from 'otp-wasm'`)
      lines.push(`export const code: string = hotp('${SECRET}', 1)`)
      lines.push(`export const engine: Promise<Engine> = createEngine()`)
      writeFileSync(join(project, 'index.ts'), lines.join('\n') + '\n')
      writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n')
      const compilerOptions = { ...options, target: 'ES2022', lib: ['ES2022', 'DOM'], strict: true, noEmit: true, skipLibCheck: false }
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['index.ts'] }))
      const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
      const result = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' })
      expect(result.stdout + result.stderr).toBe('')
      expect(result.status).toBe(0)
    },
    60_000,
  )
})

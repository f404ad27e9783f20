/** The package as users load it: `import` and `require` by its name, and the `otp` bin. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

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
    expect(readFileSync(new URL('../dist/index.d.ts', import.meta.url), 'utf8')).toContain('export declare const hotp')
    expect(readFileSync(new URL(`../${pkg.bin.otp}`, import.meta.url), 'utf8').startsWith('#!/usr/bin/env node')).toBe(true)
  })
})

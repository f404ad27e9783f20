/**
 * better-sqlite3 and ioredis are optional peer dependencies: `import 'otp-wasm'` and the memory store
 * work without them, and the stores that need them fail with an OtpError naming the package, or the
 * command that repairs it when the package is there but its native binding was never built.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { scratchFiles } from './stores/scratch.js'
import { UNBUILT_SQLITE_HOOK, unbuiltSqlite } from './stores/unbuilt-sqlite.js'

const worker = (name: string) => new URL(`./stores/workers/${name}`, import.meta.url).pathname
const file = scratchFiles('otp-optional')

describe('the package manifest', () => {
  it('declares the drivers as optional peer dependencies, so that installing otp-wasm compiles nothing', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    for (const driver of ['better-sqlite3', 'ioredis']) {
      expect(manifest.peerDependencies?.[driver]).toBeTypeOf('string')
      expect(manifest.peerDependenciesMeta?.[driver]).toEqual({ optional: true })
      // npm installs optionalDependencies (and builds them) unless told not to.
      expect(manifest.dependencies?.[driver]).toBeUndefined()
      expect(manifest.optionalDependencies?.[driver]).toBeUndefined()
      // The tests need them.
      expect(manifest.devDependencies?.[driver]).toBe(manifest.peerDependencies[driver])
    }
  })
})

describe('without the optional packages', () => {
  it('imports, verifies on the memory store, and names the missing package', () => {
    const output = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--import', worker('hide-optional.mjs'), worker('without-optional.mjs')],
      {
        encoding: 'utf8',
      },
    )
    const { result, failures } = JSON.parse(output)
    expect(result).toMatchObject({ ok: true, type: 'totp' })
    expect(failures).toEqual([
      'STORE_DRIVER_MISSING: the SQLite store needs the package better-sqlite3, an optional peer dependency of otp-wasm: npm install better-sqlite3',
      'STORE_DRIVER_MISSING: the Redis store needs the package ioredis, an optional peer dependency of otp-wasm: npm install ioredis',
    ])
  })
})

describe('better-sqlite3 installed without its native binding (install scripts off)', () => {
  it('fails with one OtpError that says to rebuild it, and creates no database', () => {
    const db = file('never.db')
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--import', UNBUILT_SQLITE_HOOK, worker('open-sqlite.mjs'), db], {
      encoding: 'utf8',
      env: unbuiltSqlite(dirname(db)),
    })
    const outcome = JSON.parse(output)
    expect(outcome).toMatchObject({ name: 'OtpError', code: 'STORE_DRIVER_MISSING' })
    expect(outcome.message).toContain('npm rebuild better-sqlite3')
    expect(existsSync(db)).toBe(false)
  })
})

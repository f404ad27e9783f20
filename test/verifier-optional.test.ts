/**
 * better-sqlite3 and ioredis are optional: `import 'otp-wasm'` and the memory store work without
 * them, and the stores that need them fail with an OtpError naming the package.
 */
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const worker = (name: string) => new URL(`./stores/workers/${name}`, import.meta.url).pathname

describe('without the optional packages', () => {
  it('imports, verifies on the memory store, and names the missing package', () => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--import', worker('hide-optional.mjs'), worker('without-optional.mjs')], {
      encoding: 'utf8',
    })
    const { result, failures } = JSON.parse(output)
    expect(result).toMatchObject({ ok: true, type: 'totp' })
    expect(failures).toEqual([
      'STORE_DRIVER_MISSING: the SQLite store needs the package better-sqlite3, an optional peer dependency of otp-wasm: npm install better-sqlite3',
      'STORE_DRIVER_MISSING: the Redis store needs the package ioredis, an optional peer dependency of otp-wasm: npm install ioredis',
    ])
  })
})

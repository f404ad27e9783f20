/** Without WebAssembly (node --jitless has none), the default API falls back to the JS kernel. */
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const script = `
import { createEngine, defaultBackend, hotp, totp } from './dist/index.js'
const out = { hasWasm: typeof WebAssembly, backend: defaultBackend(), hotp: hotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 9),
  totp: totp(new TextEncoder().encode('1234567890'.repeat(7).slice(0, 64)), { time: 59, digits: 8, algorithm: 'SHA512' }),
  auto: (await createEngine()).backend }
try { await createEngine({ backend: 'wasm' }); out.wasm = 'loaded' } catch (e) { out.wasm = e.code }
console.log(JSON.stringify(out))
`

describe('WASM unavailable', () => {
  it('falls back to JS and says so', () => {
    const stdout = execFileSync(process.execPath, ['--jitless', '--input-type=module', '-e', script], { encoding: 'utf8' })
    expect(JSON.parse(stdout)).toEqual({
      hasWasm: 'undefined',
      backend: 'js',
      hotp: '520489',
      totp: '90693936',
      auto: 'js',
      wasm: 'WASM_UNAVAILABLE',
    })
  })
})

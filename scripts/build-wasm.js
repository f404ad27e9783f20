// Builds the WASM kernel: compiles each entry with asc (asconfig.json) into build/: the scalar
// build/otp.wasm and the SIMD build/otp-simd.wasm. The unrolled compression functions under
// assembly/generated/ are committed as scripts/gen-sha.js and gen-sha-simd.js write them; the build
// never rewrites them, and `npm run check:generated` fails when they drift from their generators.
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import asc from 'assemblyscript/asc'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

/** entry -> asconfig.json target (the target names the output file). */
const ENTRIES = [
  { entry: 'assembly/index.ts', target: 'release' },
  { entry: 'assembly/index.simd.ts', target: 'simd' },
]

mkdirSync(new URL('../build/', import.meta.url), { recursive: true })
process.chdir(ROOT)
for (const { entry, target } of ENTRIES) {
  if (!existsSync(entry)) continue
  const { error, stderr } = await asc.main([entry, '--config', 'asconfig.json', '--target', target])
  if (error) {
    console.error(stderr.toString())
    console.error(`asc failed on ${entry}: ${error.message}`)
    process.exit(1)
  }
  console.log(`built ${entry} (${target})`)
}

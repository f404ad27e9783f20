// Builds the WASM kernel: regenerates the unrolled compression functions (scripts/gen-sha.js, and
// scripts/gen-sha-simd.js for the SIMD lanes), then compiles each entry with asc (asconfig.json) into
// build/: the scalar build/otp.wasm and the SIMD build/otp-simd.wasm. Entries whose source is missing
// are skipped.
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import asc from 'assemblyscript/asc'
import { writeGenerated } from './gen-sha.js'
import { writeGenerated as writeGeneratedSimd } from './gen-sha-simd.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

/** entry -> asconfig.json target (the target names the output file). */
const ENTRIES = [
  { entry: 'assembly/index.ts', target: 'release' },
  { entry: 'assembly/index.simd.ts', target: 'simd' },
]

const changed = [...writeGenerated(), ...writeGeneratedSimd()]
if (changed.length) console.log(`regenerated ${changed.join(', ')}`)

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

#!/usr/bin/env node
// Builds the browser files with esbuild: dist/browser/ holds the library for browsers
// (src/browser/index.ts) as one ES module, otp-wasm.js, the lazily loaded qrcode chunk, and the WASM
// builds it fetches from next to itself.
// The library bundle must not pull in Node: esbuild fails on a node: import for the browser platform,
// and the metafile check below refuses piscina or the worker pool.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url))
const LIB = root('dist/browser')
// Browsers with WASM SIMD, BigInt64 and top-level await: Chrome/Edge 91, Firefox 89, Safari 16.4.
const TARGET = ['chrome91', 'firefox89', 'safari16.4']

// tsc also writes its per-file output (and the .d.ts of the browser entry) to dist/browser/: keep it.
mkdirSync(LIB, { recursive: true })
for (const name of readdirSync(LIB)) if (/^otp-wasm.*\.js(\.map)?$|\.wasm$/.test(name)) rmSync(`${LIB}/${name}`)

const library = await build({
  entryPoints: { 'otp-wasm': root('src/browser/index.ts') },
  outdir: LIB,
  bundle: true,
  splitting: true, // qrcode, imported on first use, becomes its own file
  chunkNames: 'otp-wasm-[name]-[hash]', // next to otp-wasm.js, so that relative URLs hold in every chunk
  format: 'esm',
  platform: 'browser',
  target: TARGET,
  minify: true,
  sourcemap: true,
  inject: [root('src/browser/set-immediate.ts')],
  metafile: true,
  logLevel: 'warning',
})
const nodeOnly = Object.keys(library.metafile.inputs).filter((input) => /piscina|src\/pool\/(pool|worker)\.ts|^node:/.test(input))
if (nodeOnly.length) throw new Error(`the browser bundle pulls in Node-only code: ${nodeOnly.join(', ')}`)

// The WASM builds (build:wasm): the scalar one is required, the SIMD one is used where it exists.
if (!existsSync(root('build/otp.wasm'))) throw new Error('build/otp.wasm is missing: run npm run build:wasm first')
for (const file of ['otp.wasm', 'otp-simd.wasm']) if (existsSync(root(`build/${file}`))) copyFileSync(root(`build/${file}`), `${LIB}/${file}`)

console.log('built dist/browser/')

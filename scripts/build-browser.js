#!/usr/bin/env node
// Builds the browser files with esbuild:
//   dist/browser/    the library for browsers (src/browser/index.ts) as one ES module, otp-wasm.js,
//                    the lazily loaded qrcode chunk, and the WASM builds it fetches from next to itself;
//   dist/playground/ the playground (playground/): a static folder any web server can serve, with its
//                    own copy of dist/browser/ under lib/, which its scripts import as they are.
// The library bundle must not pull in Node: esbuild fails on a node: import for the browser platform,
// and the metafile check below refuses piscina or the worker pool.
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url))
const LIB = root('dist/browser')
const SITE = root('dist/playground')
// Browsers with WASM SIMD, BigInt64 and top-level await: Chrome/Edge 91, Firefox 89, Safari 16.4.
const TARGET = ['chrome91', 'firefox89', 'safari16.4']

// tsc also writes its per-file output (and the .d.ts of the browser entry) to dist/browser/: keep it.
mkdirSync(LIB, { recursive: true })
const BUNDLE_FILE = /^otp-wasm.*\.js(\.map)?$|\.wasm$/
for (const name of readdirSync(LIB)) if (BUNDLE_FILE.test(name)) rmSync(`${LIB}/${name}`)

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

// The playground's scripts import the library as `otp-wasm`: at run time, its copy in lib/.
const libraryInLib = {
  name: 'otp-wasm-in-lib',
  setup(builder) {
    builder.onResolve({ filter: /^otp-wasm$/ }, () => ({ path: './lib/otp-wasm.js', external: true }))
  },
}
// esbuild strips types without checking them.
execFileSync(process.execPath, [root('node_modules/typescript/bin/tsc'), '-p', root('playground/tsconfig.json')], { stdio: 'inherit' })
rmSync(SITE, { recursive: true, force: true })
mkdirSync(`${SITE}/lib`, { recursive: true })
await build({
  entryPoints: { app: root('playground/src/main.ts'), 'bench-worker': root('playground/src/bench-worker.ts') },
  outdir: SITE,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: TARGET,
  minify: true,
  sourcemap: true,
  plugins: [libraryInLib],
  logLevel: 'warning',
})
for (const file of ['index.html', 'styles.css']) copyFileSync(root(`playground/${file}`), `${SITE}/${file}`)
for (const name of readdirSync(LIB)) if (BUNDLE_FILE.test(name)) cpSync(`${LIB}/${name}`, `${SITE}/lib/${name}`)

console.log('built dist/browser/ and dist/playground/')

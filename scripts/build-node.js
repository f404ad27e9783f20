#!/usr/bin/env node
// Builds the package for Node into dist/:
//   the entries (src/index.ts `otp-wasm`, src/verifier/index.ts, src/io/formats.ts, the
//   worker src/pool/worker.ts and the bin src/cli/main.ts) as ES modules at their own paths under
//   dist/, bundled by rollup (esbuild strips the types): `import { totp } from 'otp-wasm'` reads two
//   files, dist/index.js and the one chunk of what it loads, not forty-odd. Node pays about half a
//   millisecond per module file, which made the cold start of the per-file build half again that of
//   otpauth. What several entries share is in dist/chunks/, so that a class stays one class across
//   entries (`instanceof OtpError`);
//   the .d.ts, by tsc, of every source file that the types package.json names reach;
//   the WASM builds, copied from build/ into dist/browser/: the package ships each once, where the
//   browser bundle fetches it from next to itself, and the Node code reads it there too.
// Dependencies stay outside (node_modules). Code that finds a file of the package (the WASM builds,
// the worker) does so from the package root (src/core/package-file.ts), since the same code runs in
// an entry, a chunk, or from src/ in the unit tests. Source maps are written for debugging
// (node --enable-source-maps) and left out of the package.
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { transform } from 'esbuild'
import { rollup } from 'rollup'

const root = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url))
const DIST = root('dist')

/** Every module another process or package.json loads by its path. */
export const NODE_ENTRIES = ['src/index.ts', 'src/verifier/index.ts', 'src/io/formats.ts', 'src/pool/worker.ts', 'src/cli/main.ts']

// The build is written to a scratch folder, then moved into dist/ at once, so that dist/ is whole at
// every moment but one of a few milliseconds (tests and other processes run it while it is rebuilt).
const OUT = root('node_modules/.cache/otp-wasm-node-build')
rmSync(OUT, { recursive: true, force: true })

execFileSync(
  process.execPath,
  [root('node_modules/typescript/bin/tsc'), '-p', root('tsconfig.build.json'), '--emitDeclarationOnly', '--outDir', OUT],
  {
    stdio: 'inherit',
  },
)
pruneDeclarations(OUT)

/**
 * Keeps the .d.ts files that the types package.json names reach through their imports, and deletes
 * the rest: tsc writes one per source file, and a quarter of them (the kernels, the pool, the
 * CLI, the service) declare nothing a user's types can name. test/package.test.ts type-checks a
 * project that imports every subpath against the packed package.
 */
function pruneDeclarations(dir) {
  const pkg = JSON.parse(readFileSync(root('package.json'), 'utf8'))
  const entries = []
  const collect = (value) => {
    if (!value || typeof value !== 'object') return
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'types') entries.push(inner)
      else collect(inner)
    }
  }
  collect(pkg.exports)
  const reached = new Set()
  const visit = (file) => {
    if (reached.has(file)) return
    if (!existsSync(file)) throw new Error(`${relative(dir, file)} is named by package.json or a declaration, but tsc did not write it`)
    reached.add(file)
    const text = readFileSync(file, 'utf8')
    for (const [, specifier] of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g)) {
      visit(join(dirname(file), specifier.replace(/\.js$/, '.d.ts')))
    }
  }
  for (const entry of entries) visit(join(dir, entry.replace(/^\.\/dist\//, '')))
  const prune = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name)
      if (entry.isDirectory()) prune(path)
      else if (entry.name.endsWith('.d.ts') && !reached.has(path)) rmSync(path)
    }
    if (readdirSync(folder).length === 0) rmSync(folder, { recursive: true })
  }
  prune(dir)
}

const SRC = root('src/')

/** The sources: `./x.js` imports resolve to `x.ts`, which esbuild strips of its types (tsc checks them). */
const typescript = {
  name: 'typescript',
  resolveId(source, importer) {
    if (!importer?.startsWith(SRC) || !source.startsWith('.') || !source.endsWith('.js')) return null
    const file = join(dirname(importer), source.replace(/\.js$/, '.ts'))
    return existsSync(file) ? file : null
  },
  async transform(code, id) {
    if (!id.endsWith('.ts')) return null
    if (id === PACKAGE_FILE) code = shippedWasmDir(code)
    const { code: js, map } = await transform(code, {
      loader: 'ts',
      sourcefile: id,
      sourcemap: 'external',
      target: 'node20',
      format: 'esm',
    })
    return { code: js, map }
  },
}

/**
 * The package ships each WASM build once, in dist/browser/, where the browser bundle fetches it from
 * next to itself: the Node code reads it there too, not in build/.
 */
const WASM_DIR_LINE = "export const WASM_DIR: string = 'build'"
function shippedWasmDir(code) {
  if (!code.includes(WASM_DIR_LINE)) throw new Error(`src/core/package-file.ts no longer has the line ${WASM_DIR_LINE}`)
  return code.replace(WASM_DIR_LINE, "export const WASM_DIR: string = 'dist/browser'")
}

/**
 * import.meta.url in src/core/package-file.ts is that source file's URL, wherever its code lands (an
 * entry or a chunk, at one depth or another), so that it finds the package root. Computed for the
 * file's place in dist/, where it is moved.
 */
const PACKAGE_FILE = root('src/core/package-file.ts')
const sourceUrl = {
  name: 'source-url',
  resolveImportMeta(property, { chunkId, moduleId }) {
    if (property !== 'url' || moduleId !== PACKAGE_FILE) return null
    return `new URL(${JSON.stringify(relative(dirname(join(DIST, chunkId)), PACKAGE_FILE))}, import.meta.url).href`
  },
}

/**
 * Minified, with every function and class keeping its name, so that stack traces still name the
 * functions: a package a third smaller, and less source for Node to read and parse at start-up.
 * The main entry and its chunk (what `import { totp }` loads) keep their identifiers as written;
 * the rest has short ones and esbuild's keepNames, which names each function by a call as its
 * module loads: a fifth of a millisecond of a cold start, were the main chunk built so.
 */
const minify = {
  name: 'minify',
  async renderChunk(code, chunk) {
    const main = chunk.name === 'otp-wasm' || chunk.name === 'index'
    const { code: js, map } = await transform(code, {
      minifyWhitespace: true,
      minifySyntax: true,
      minifyIdentifiers: !main,
      keepNames: !main,
      format: 'esm',
      target: 'node20',
      sourcemap: 'external',
    })
    return { code: js, map }
  },
}

/** The source files src/index.ts loads without a dynamic import(): what `import ... from 'otp-wasm'` runs. */
function mainEntryFiles(getModuleInfo) {
  const files = new Set()
  const visit = (id) => {
    if (files.has(id) || !id.startsWith(SRC)) return
    files.add(id)
    for (const imported of getModuleInfo(id)?.importedIds ?? []) visit(imported)
  }
  visit(root('src/index.ts'))
  return files
}

let main
const bundle = await rollup({
  input: Object.fromEntries(NODE_ENTRIES.map((entry) => [entry.replace(/^src\//, '').replace(/\.ts$/, ''), root(entry)])),
  plugins: [typescript, sourceUrl],
  // Dependencies and Node's built-ins load from node_modules and Node as they are.
  external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0'),
  onLog(level, log, handler) {
    // import(specifier) of an optional peer dependency (src/verifier/stores/driver.ts) is meant.
    if (log.code === 'UNRESOLVED_IMPORT' || log.code === 'CIRCULAR_DEPENDENCY') return
    handler(level === 'warn' ? 'error' : level, log)
  },
})
await bundle.write({
  dir: OUT,
  format: 'es',
  entryFileNames: '[name].js',
  chunkFileNames: 'chunks/[name]-[hash].js',
  sourcemap: true,
  plugins: [minify],
  // What the main entry loads, other than its own module, is one chunk that the other entries share:
  // esbuild's or rollup's own splitting (one chunk per set of entries and dynamic imports reaching a
  // module) cut it into a dozen files. The rest (the verifier, the formats, the CLI's commands, the
  // engines loaded on demand) is split as usual.
  manualChunks(id, { getModuleInfo }) {
    main ??= mainEntryFiles(getModuleInfo)
    return main.has(id) && id !== root('src/index.ts') ? 'otp-wasm' : undefined
  },
})
await bundle.close()

// The WASM builds the Node code reads (scripts/build-browser.js copies the same files there), moved
// in with the rest.
mkdirSync(join(OUT, 'browser'), { recursive: true })
for (const name of ['otp.wasm', 'otp-simd.wasm']) copyFileSync(root(`build/${name}`), join(OUT, 'browser', name))

// In place of the previous build, keeping the browser bundles (scripts/build-browser.js writes them).
const BROWSER_BUNDLE = /^otp-wasm[^/]*\.js(\.map)?$|\.wasm$/
mkdirSync(join(DIST, 'browser'), { recursive: true })
for (const name of readdirSync(DIST)) if (name !== 'browser') rmSync(join(DIST, name), { recursive: true, force: true })
for (const name of readdirSync(join(DIST, 'browser'))) {
  if (!BROWSER_BUNDLE.test(name)) rmSync(join(DIST, 'browser', name), { recursive: true, force: true })
}
for (const name of readdirSync(OUT)) if (name !== 'browser') renameSync(join(OUT, name), join(DIST, name))
for (const name of existsSync(join(OUT, 'browser')) ? readdirSync(join(OUT, 'browser')) : []) {
  renameSync(join(OUT, 'browser', name), join(DIST, 'browser', name))
}
rmSync(OUT, { recursive: true, force: true })

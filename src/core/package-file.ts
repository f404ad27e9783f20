/**
 * Files of the package itself (the WASM builds, the worker modules), found from its root. The same
 * code runs from src/ (the unit tests, tsx) and from the Node build, where it lands in an entry or in
 * a chunk that entries share (dist/, dist/chunks/): the build (scripts/build-node.js) makes
 * import.meta.url in this module the URL of this source file, wherever its code lands, so that the
 * root is two levels up in every case. Node only.
 */

/**
 * The folder of the WASM builds, from the package root: build/ in the repository (npm run
 * build:wasm writes them there). The package ships one copy of each, next to the browser bundle
 * that fetches them: scripts/build-node.js puts them in dist/browser/ and rewrites this line for
 * the code it builds.
 */
export const WASM_DIR: string = 'build'

/** The URL of `path`, relative to the package root (e.g. 'build/otp.wasm'). */
export function packageFile(path: string): URL {
  return new URL(`../../${path}`, import.meta.url)
}

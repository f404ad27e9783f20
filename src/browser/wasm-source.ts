/**
 * Where a browser build gets its WASM kernel from. The default entry fetches the files from next to
 * its script (src/browser/wasm-fetched.ts); `otp-wasm/inline` carries them in the script, compressed
 * (src/browser/wasm-embedded.ts), for bundlers that do not emit the package's .wasm files. The
 * loader (src/browser/load.ts) caches the compiled modules and picks the build; a source only
 * compiles one.
 *
 * The entry module hands its source over at run time (useWasmSource), rather than the build
 * swapping one module for another, so that both entries share the rest of the library: one copy of
 * it in the package, and the default entry's `new URL('./otp.wasm', import.meta.url)` stays out of
 * what `otp-wasm/inline` loads (bundlers would emit the .wasm files for nothing).
 */
import type { WasmFlavor } from '../kernels/wasm-load.js'

/** One way to get the compiled kernel builds. */
export interface WasmSource {
  /**
   * Gets one build and compiles it.
   * @throws OtpError('WASM_UNAVAILABLE') naming where the build was looked for, when it cannot be
   * had or does not compile (a Content-Security-Policy without 'wasm-unsafe-eval').
   */
  compile(flavor: WasmFlavor): Promise<WebAssembly.Module>
  /** What a developer can do when no build loads, for the warning of a fall back to JS. */
  readonly remedy: string
}

/** The advice every warning ends with: a policy that forbids compiling WASM is the other cause. */
export const CSP_REMEDY = "under a Content-Security-Policy, allow 'wasm-unsafe-eval' in script-src"

let provide!: (source: WasmSource) => void

/**
 * The source of the entry the page imported, once that entry's module has run: the loader waits for
 * it, so that the order in which the entry and the library's shared modules run does not matter.
 */
export const entrySource: Promise<WasmSource> = new Promise((resolve) => {
  provide = resolve
})

/** Called once by each browser entry module; where a page imports both entries, the first one's source is used. */
export function useWasmSource(source: WasmSource): void {
  provide(source)
}

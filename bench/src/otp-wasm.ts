/**
 * otp-wasm itself, imported by its package name at run time: Node resolves the package's own name
 * through the `exports` of package.json to the built dist/index.js, so the benchmark measures exactly
 * what users install (`npm run bench` builds first), and still runs (racing the peers alone) when
 * dist/ is missing. Only the parts of the public API the benchmark uses are typed here;
 * bench/src/api-check.ts holds them to the package's own types.
 */
import type { Algorithm, Contender, KeyedOtp } from './contender.js'
import { PERIOD } from './contender.js'

/** A batch record of the public API: TOTP form. */
export interface TotpRecord {
  secret: Uint8Array
  code: string
  time: number
  period: number
  window: number
}

type MaybePromise<T> = T | Promise<T>

/** The single-code functions, shared by the module and its engines. */
export interface OtpFunctions {
  hotp(secret: Uint8Array, counter: number, options?: { algorithm?: Algorithm }): MaybePromise<string>
  verifyHotp(secret: Uint8Array, code: string, counter: number, options?: { algorithm?: Algorithm }): MaybePromise<number | null>
  verifyTotp(
    secret: Uint8Array,
    code: string,
    options?: { time?: number; period?: number; window?: number; algorithm?: Algorithm },
  ): MaybePromise<number | null>
  resyncHotp?(
    secret: Uint8Array,
    codes: string[],
    from: number,
    options?: { lookAhead?: number; algorithm?: Algorithm },
  ): MaybePromise<number | bigint | null>
}

/** The columnar batch of the public API (BatchBuilder), as far as the benchmark fills it. */
export interface ColumnarBatch {
  addKey(secret: Uint8Array, algorithm?: Algorithm): number
  addTotp(key: number, code: string, time: number, options?: { period?: number; window?: number }): number
  addCounter?(key: number, counter: number, digits?: number): number
  addKeys?(bytes: Uint8Array, offsets: Uint32Array, algorithm?: Algorithm): number
  reset?(): void
  addTotpColumns?(
    columns: { keys: Uint32Array; codes: readonly string[]; times: Float64Array },
    options?: { period?: number; window?: number },
  ): number
}

/** The columnar result of `verifyColumns`: status 1 is a match. */
export interface ColumnarResult {
  readonly status: Uint8Array
  readonly delta: Int32Array
}

/** The columnar result of `generateColumns`: status 1 is computed, codes are integers. */
export interface ColumnarCodes {
  readonly status: Uint8Array
  readonly codes: Uint32Array
}

/** An engine of `createEngine`; batch functions are optional because they land later. */
export interface OtpEngine extends OtpFunctions {
  readonly backend: string
  /** Worker threads computing batches and scans; absent in builds without a pool. */
  readonly threads?: number
  verifyBatch?(records: TotpRecord[]): Promise<Array<number | null | Error>>
  verifyColumns?(batch: ColumnarBatch): Promise<ColumnarResult>
  generateColumns?(batch: ColumnarBatch): Promise<ColumnarCodes>
  close(): MaybePromise<void>
}

/** The module as the benchmark sees it. */
export interface OtpWasmModule extends OtpFunctions {
  createEngine?(options: { backend?: 'auto' | 'wasm' | 'js'; threads?: number }): Promise<OtpEngine>
  BatchBuilder?: new (expected?: { records?: number; keys?: number; keyBytes?: number }) => ColumnarBatch
  /** The backend behind the module-level functions. */
  defaultBackend?(): string
}

/** The loaded package, or why it could not be loaded. */
export type OtpWasmLoad = { module: OtpWasmModule; version: string | null; entry: string } | { reason: string }

/**
 * The package's own name. Imported through a variable so that compilers of the test suite do not
 * resolve it to dist/, which they may run before any build.
 */
const PACKAGE = 'otp-wasm'

/** The file Node loads for `import 'otp-wasm'`, relative to the package root. */
function entryFile(): string {
  const url = import.meta.resolve(PACKAGE)
  const root = new URL('../../', import.meta.url).href
  return url.startsWith(root) ? url.slice(root.length) : url
}

/** Imports the built package (dist/index.js) by its name. */
export async function loadOtpWasm(): Promise<OtpWasmLoad> {
  let module: OtpWasmModule
  try {
    module = (await import(PACKAGE)) as OtpWasmModule
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code === 'ERR_MODULE_NOT_FOUND') return { reason: 'dist/index.js is not built (npm run build)' }
    return { reason: `dist/index.js failed to load: ${(error as Error).message}` }
  }
  if (typeof module.hotp !== 'function' || typeof module.verifyTotp !== 'function') {
    return { reason: 'dist/index.js does not export hotp/verifyHotp/verifyTotp' }
  }
  return { module, version: await packageVersion(), entry: entryFile() }
}

/** The version in the package's manifest. */
async function packageVersion(): Promise<string | null> {
  try {
    const { readFile } = await import('node:fs/promises')
    const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string
    }
    return manifest.version ?? null
  } catch {
    return null
  }
}

/** Wraps the single-code functions of the module or an engine as a contender. */
export function otpWasmContender(name: string, functions: OtpFunctions, async: boolean): Contender {
  return {
    name,
    packageName: null,
    async,
    async forKey(algorithm, key): Promise<KeyedOtp> {
      // Options are literals per call, as callers write them.
      return {
        hotp: (counter) => functions.hotp(key, counter, { algorithm }),
        verifyHotp: (code, counter) => settle(functions.verifyHotp(key, code, counter, { algorithm }), (delta) => delta === 0),
        verifyTotp: (code, time) => functions.verifyTotp(key, code, { time, period: PERIOD, window: 1, algorithm }),
      }
    },
  }
}

/** Applies `map` to a value or to the promise of one, without making sync values async. */
function settle<T, U>(value: MaybePromise<T>, map: (value: T) => U): MaybePromise<U> {
  return value instanceof Promise ? value.then(map) : map(value)
}

/** Whether an engine's functions answer with promises (the contract allows either). */
export async function answersWithPromises(functions: OtpFunctions): Promise<boolean> {
  const answer = functions.hotp(new Uint8Array(20), 0)
  if (answer instanceof Promise) {
    await answer
    return true
  }
  return false
}

/**
 * Loading a store's driver (better-sqlite3, ioredis): optional peer dependencies, so that installing
 * otp-wasm compiles nothing. A store whose driver is not installed says which package to install.
 */
import { OtpError } from '../../core/errors.js'

/**
 * The default export of the package `name`, imported on first use. `what` names the store for the
 * message ("the SQLite store").
 *
 * @throws OtpError STORE_DRIVER_MISSING naming the package to install.
 */
export async function loadOptionalDriver<T>(name: 'better-sqlite3' | 'ioredis', what: string): Promise<T> {
  try {
    // A computed specifier: bundlers and type checkers leave the optional package alone.
    const specifier: string = name
    return ((await import(specifier)) as { default: T }).default
  } catch (cause) {
    const code = (cause as { code?: unknown } | null)?.code
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (package|module)/.test(String(cause))
    throw new OtpError(
      'STORE_DRIVER_MISSING',
      missing
        ? `${what} needs the package ${name}, an optional peer dependency of otp-wasm: npm install ${name}`
        : `${what} could not load the package ${name} (${(cause as Error)?.message ?? String(cause)}): reinstall it (npm install ${name})`,
      { cause },
    )
  }
}

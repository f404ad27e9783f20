/**
 * Loads packages the benchmark races against. They are devDependencies: an installed otp-wasm has
 * none of them, so a missing one is a skip with a note, never a crash.
 */
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const require = createRequire(import.meta.url)

/** Imports `specifier`, or answers null when it is not installed. Other load errors propagate. */
export async function importOptional<T>(specifier: string): Promise<T | null> {
  try {
    return (await import(specifier)) as T
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return null
    throw error
  }
}

/** The installed version of a package, or null when it cannot be found. */
export function installedVersion(packageName: string): string | null {
  // Read package.json straight from the node_modules folders Node would search: a package's
  // `exports` may hide both its manifest and a CommonJS entry from require.resolve.
  for (const folder of require.resolve.paths(packageName) ?? []) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, packageName, 'package.json'), 'utf8')) as {
        version?: string
      }
      return manifest.version ?? null
    } catch {
      // not in this folder: try the next one up
    }
  }
  return null
}

/** The skip reason for a package that is not installed. */
export function notInstalled(packageName: string): string {
  return `${packageName} is not installed (it is a devDependency; npm install it to race it)`
}

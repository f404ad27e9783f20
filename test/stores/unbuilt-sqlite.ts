/**
 * better-sqlite3 as `npm install --ignore-scripts` leaves it: its JavaScript without the compiled
 * binding. A process started with `--import test/stores/workers/unbuilt-sqlite.mjs` and the returned
 * environment loads this copy instead of the real package.
 */
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs'
import { join } from 'node:path'

const modules = new URL('../../node_modules/', import.meta.url).pathname

/** The hook to preload with --import. */
export const UNBUILT_SQLITE_HOOK = new URL('./workers/unbuilt-sqlite.mjs', import.meta.url).pathname

/** Makes the copy in a new folder under `dir`; returns the environment that points the hook at it. */
export function unbuiltSqlite(dir: string): NodeJS.ProcessEnv {
  const root = mkdtempSync(join(dir, 'unbuilt-'))
  const copy = join(root, 'node_modules', 'better-sqlite3')
  mkdirSync(copy, { recursive: true })
  cpSync(join(modules, 'better-sqlite3', 'package.json'), join(copy, 'package.json'))
  cpSync(join(modules, 'better-sqlite3', 'lib'), join(copy, 'lib'), { recursive: true })
  // What its JavaScript requires to look for the binding, and fail to find it.
  for (const name of ['bindings', 'file-uri-to-path']) cpSync(join(modules, name), join(root, 'node_modules', name), { recursive: true })
  return { ...process.env, OTP_TEST_UNBUILT_SQLITE: copy }
}

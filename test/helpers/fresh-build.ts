/**
 * Global setup of the package suite: it tests dist/ and build/, so it rebuilds them when a source is
 * newer (a clean clone's `npm ci` has just built them, so there it costs one directory walk).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = new URL('../..', import.meta.url).pathname

function newest(dir: string): number {
  let latest = 0
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs)
  }
  return latest
}

const built = (file: string): number => (existsSync(join(ROOT, file)) ? statSync(join(ROOT, file)).mtimeMs : 0)

export default function setup(): void {
  const npm = (script: string) => execFileSync('npm', ['run', '--silent', script], { cwd: ROOT, stdio: 'inherit' })
  if (built('build/otp.wasm') < newest('assembly')) npm('build:wasm')
  if (built('dist/index.js') < newest('src')) {
    npm('build:ts')
    npm('build:browser')
  }
}

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

/** A fresh temporary folder for the calling test file, removed after its tests; returns a file namer. */
export function scratchFiles(prefix: string): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return (name) => join(dir, name)
}

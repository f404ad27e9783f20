/**
 * The layers of DESIGN.md hold: no import circle, no arrow from a lower layer up, and no path from
 * the browser entry to a Node module. The rules live in .dependency-cruiser.cjs; a scratch tree with
 * one upward arrow proves that they fire.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cruise, type IReporterOutput } from 'dependency-cruiser'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = new URL('..', import.meta.url).pathname
const rules = createRequire(import.meta.url)('../.dependency-cruiser.cjs')

async function violations(baseDir: string, atLeast = 0): Promise<string[]> {
  const result: IReporterOutput = await cruise(['src'], {
    ruleSet: rules,
    validate: true,
    baseDir,
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
  })
  if (typeof result.output === 'string') throw new Error(result.output)
  // Arrows that did not resolve would hide violations: the whole tree must have been followed.
  expect(result.output.summary.totalDependenciesCruised).toBeGreaterThanOrEqual(atLeast)
  expect(result.output.modules.filter((m) => m.dependencies.some((d) => d.couldNotResolve)).map((m) => m.source)).toEqual([])
  return result.output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)
}

describe('import graph', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'otp-graph-'))
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))

  it('has no circle and no upward arrow in src/', async () => {
    expect(await violations(ROOT, 300)).toEqual([])
  }, 60_000)

  it('fires on an arrow from the engine up to the pool, on a circle, and on a browser path to node:', async () => {
    const file = (path: string, text: string) => {
      mkdirSync(join(scratch, path, '..'), { recursive: true })
      writeFileSync(join(scratch, path), text)
    }
    file('src/pool/pool.ts', 'export const pool = 1\n')
    file('src/engine/uses-pool.ts', "import { pool } from '../pool/pool.js'\nexport const x = pool\n")
    file('src/core/a.ts', "import { b } from './b.js'\nexport const a = () => b\n")
    file('src/core/b.ts', "import { a } from './a.js'\nexport const b = () => a\n")
    file('src/kernels/fs.ts', "import { readFileSync } from 'node:fs'\nexport const read = readFileSync\n")
    file('src/browser/index.ts', "import { read } from '../kernels/fs.js'\nexport const r = read\n")
    const found = await violations(scratch)
    expect(found).toContain('engine-is-platform-neutral: src/engine/uses-pool.ts -> src/pool/pool.ts')
    expect(found.some((v) => v.startsWith('no-circular: src/core/'))).toBe(true)
    expect(found.some((v) => v.startsWith('browser-reaches-no-node-module: src/browser/index.ts'))).toBe(true)
  }, 60_000)
})

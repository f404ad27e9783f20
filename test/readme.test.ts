/**
 * Every TypeScript example in the README runs, as a user would run it: each ```ts block is written to
 * a file of its own inside the package and run with tsx against the built package (`otp-wasm`
 * resolves to dist/ through the package's own exports). A block passes when its process exits 0 on
 * its own within the time limit: an example that throws, or that leaves a store or pool holding the
 * process open, fails. Blocks that talk to Redis get a real redis-server in place of the default URL.
 * The errors table and the layout section are checked against the code.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRedis, type RedisServer } from './helpers/redis-server.js'

const ROOT = new URL('..', import.meta.url).pathname
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const SCRATCH = `${ROOT}.readme-examples/`
const DEFAULT_REDIS = 'redis://127.0.0.1:6379'
const run = promisify(execFile)

/** The ```ts blocks, each with the heading it sits under. */
function examples(): Array<{ name: string; code: string }> {
  const blocks: Array<{ name: string; code: string }> = []
  let heading = 'top'
  const lines = README.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.startsWith('#')) heading = line.replace(/^#+\s*/, '')
    if (line.trim() !== '```ts') continue
    const body: string[] = []
    while (++i < lines.length && lines[i]!.trim() !== '```') body.push(lines[i]!)
    blocks.push({ name: `${heading} #${blocks.filter((b) => b.name.startsWith(heading)).length + 1}`, code: body.join('\n') })
  }
  return blocks
}

describe('README examples', () => {
  let redis: RedisServer | undefined
  beforeAll(async () => {
    rmSync(SCRATCH, { recursive: true, force: true })
    mkdirSync(SCRATCH)
    if (README.includes(DEFAULT_REDIS)) redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
    rmSync(SCRATCH, { recursive: true, force: true })
  })

  const blocks = examples()
  it('has examples to run', () => expect(blocks.length).toBeGreaterThanOrEqual(8))

  it.each(blocks.map((b, i) => [b.name, i] as const))('%s runs', async (_name, i) => {
    const file = `${SCRATCH}example-${i}.mts`
    const code = redis ? blocks[i]!.code.replaceAll(DEFAULT_REDIS, redis.url) : blocks[i]!.code
    writeFileSync(file, code)
    await run(process.execPath, ['--import', 'tsx', file], { cwd: SCRATCH, timeout: 30_000 })
  })
})

describe('README reference sections', () => {
  it('lists every error code in its Errors table, and no other', () => {
    const source = readFileSync(new URL('../src/core/errors.ts', import.meta.url), 'utf8')
    const union = source.slice(source.indexOf('export type OtpErrorCode'), source.indexOf('export class OtpError'))
    const codes = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]).sort()
    const section = README.slice(README.indexOf('## Errors'), README.indexOf('\n## ', README.indexOf('## Errors') + 1))
    const documented = [...section.matchAll(/^\| (.+?) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([A-Z_]+)`/g)].map((c) => c[1])).sort()
    expect(documented).toEqual(codes)
  })

  it('names only files and folders that exist in its layout section', () => {
    const start = README.indexOf('## How it works')
    const section = README.slice(start, README.indexOf('\n## ', start + 1))
    const paths = [...section.matchAll(/\b((?:src|assembly|bench|examples|test|scripts)\/[\w./-]*)/g)].map((m) =>
      m[1]!.replace(/[.,]$/, ''),
    )
    expect(paths.length).toBeGreaterThan(10)
    expect(paths.filter((p) => !existsSync(ROOT + p))).toEqual([])
  })
})

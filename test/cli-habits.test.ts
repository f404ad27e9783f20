/**
 * The `otp` command's manners: misspelt options and commands get a suggestion, values get messages
 * that say what was expected, codes are read as apps display them, the program answers to its
 * second name, and a command loads only the modules it uses.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hotp, totp } from '../src/index.js'
import { OTP_MAIN, otp, type Run } from './helpers/cli.js'

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'

let dir: string
beforeAll(() => {
  delete process.env.OTP_DB
  delete process.env.OTP_STORE_KEY
  dir = mkdtempSync(join(tmpdir(), 'otp-cli-habits-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function usageError(args: string[], message: RegExp): Promise<Run> {
  const run = await otp(args)
  expect(run.stderr).toMatch(message)
  expect(run.status).toBe(2)
  expect(run.stdout).toBe('')
  return run
}

/** Spaces in a code as an app shows it: '996 554', or with a hyphen. */
function grouped(code: string, separator: string): string {
  return `${code.slice(0, 3)}${separator}${code.slice(3)}`
}

describe('otp: options', () => {
  it('suggests the option meant by a misspelt one', async () => {
    const run = await usageError(['code', SECRET, '--digit', '8'], /^otp code: unknown option --digit; did you mean --digits\?\n/)
    expect(run.stderr).not.toMatch(/"|To specify/)
    await usageError(['verify', SECRET, '123456', '--windw', '2'], /unknown option --windw; did you mean --window\?/)
    await usageError(['batch', '--thread', '2'], /unknown option --thread; did you mean --threads\?/)
    await usageError(['code', SECRET, '--alg', 'SHA1'], /unknown option --alg; did you mean --algorithm\?/)
    await usageError(['code', SECRET, '--frobnicate'], /unknown option --frobnicate\n/)
  })

  it('suggests the command meant by a misspelt one', async () => {
    await usageError(['verfy', SECRET, '123456'], /unknown command 'verfy'; did you mean verify\?/)
    await usageError(['enrol', 'bob'], /unknown command 'enrol'; did you mean enroll\?/)
  })

  it('says a counter must be 0 or more, and names a missing value', async () => {
    await usageError(['code', SECRET, '--hotp', '-1'], /--hotp expects a counter, which must be 0 or more, got '-1'/)
    await usageError(['enroll', 'bob', '--hotp', '-5'], /--hotp expects a counter, which must be 0 or more/)
    await usageError(['resync', SECRET, '123456', '--from', '-3'], /--from expects a counter, which must be 0 or more/)
    await usageError(['code', SECRET, '--hotp', '--digits', '8'], /--hotp needs a value, but the next argument is the option --digits/)
    await usageError(['code', SECRET, '--hotp'], /--hotp needs a value/)
    await usageError(['batch', '--progress=yes'], /--progress is a switch and takes no value/)
  })

  it('refuses a --time in milliseconds, with the hint', async () => {
    await usageError(['code', SECRET, '--time', '1733400000000'], /--time is unix seconds; 1733400000000 looks like milliseconds/)
    await usageError(
      ['verify', SECRET, '123456', '--time', '1733400000000'],
      /--time is unix seconds; 1733400000000 looks like milliseconds/,
    )
    await usageError(['batch', '--time', '1733400000000'], /--time is unix seconds; 1733400000000 looks like milliseconds/)
    const seconds = await otp(['code', SECRET, '--time', '1733400000'])
    expect(seconds.stdout).toBe(`${totp(SECRET, { time: 1733400000 })}\n`)
  })
})

describe('otp: codes as apps display them', () => {
  it('verify takes one space or hyphen between digits', async () => {
    const code = totp(SECRET, { time: 5000 })
    for (const typed of [grouped(code, ' '), grouped(code, '-'), `${code.slice(0, 2)} ${code.slice(2, 4)} ${code.slice(4)}`]) {
      const run = await otp(['verify', SECRET, typed, '--time', '5000'])
      expect(run.status, typed).toBe(0)
      expect(run.stdout).toBe('valid: time step 166 (delta 0)\n')
    }
    await usageError(['verify', SECRET, grouped(code, '  '), '--time', '5000'], /CODE must be digits only/)
    await usageError(['verify', SECRET, ` ${code}`, '--time', '5000'], /CODE must be digits only/)
    await usageError(['verify', SECRET, grouped(code, '_'), '--time', '5000'], /CODE must be digits only/)
  })

  it('resync takes them too', async () => {
    const run = await otp(['resync', SECRET, grouped(hotp(SECRET, 40), ' '), grouped(hotp(SECRET, 41), '-'), '--from', '0'])
    expect(run.stdout).toBe('42\n')
  })

  it('check takes them too', async () => {
    const db = join(dir, 'grouped.db')
    const enrolled = await otp(['enroll', 'ann', '--hotp', '0', '--db', db])
    expect(enrolled.status).toBe(0)
    const secret = enrolled.stdout.trim()
    const run = await otp(['check', 'ann', grouped(hotp(secret, 0), ' '), '--db', db])
    expect(run.stdout).toBe('valid: counter 0 (delta 0)\n')
    expect(run.status).toBe(0)
  })
})

describe('otp: help for a newcomer', () => {
  it.each(['secret', 'uri', 'code', 'verify', 'resync', 'explain', 'enroll', 'check', 'remove', 'batch'])(
    'shows an example of otp %s',
    async (name) => {
      const run = await otp([name, '--help'])
      expect(run.status).toBe(0)
      expect(run.stdout).toMatch(new RegExp(`\\nExamples?:\\n {2}otp ${name} `))
    },
  )

  it('says that codes may be typed in groups, where codes are typed', async () => {
    for (const name of ['verify', 'check']) {
      expect((await otp([name, '--help'])).stdout).toContain("CODE may be typed as apps show it, in groups: '996 554' and '996-554'")
    }
  })

  it('lists every command under a heading, with examples and both names', async () => {
    const run = await otp(['--help'])
    expect(run.stdout).toContain('One secret at a time (nothing is stored):')
    expect(run.stdout).toMatch(/\nExamples:\n {2}otp secret /)
    expect(run.stdout).toContain("The same program is installed as otp and as otp-wasm; 'npx otp-wasm' runs it")
  })
})

describe('otp: its second name', () => {
  it('is installed as otp and as otp-wasm', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(manifest.bin).toEqual({ otp: './dist/cli/main.js', 'otp-wasm': './dist/cli/main.js' })
  })

  it('says otp-wasm in help and messages when run as otp-wasm', async () => {
    const link = join(dir, 'otp-wasm')
    symlinkSync(OTP_MAIN, link)
    const run = (args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [link, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
        let stdout = ''
        let stderr = ''
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
        child.on('close', (status) => resolve({ status, stdout, stderr }))
      })
    const help = await run(['verify', '--help'])
    expect(help.stdout).toMatch(/^Usage: otp-wasm verify SECRET/)
    const overview = await run(['--help'])
    expect(overview.stdout).toMatch(/^Usage: otp-wasm COMMAND/)
    expect(overview.stdout).toContain("Run 'otp-wasm COMMAND --help'")
    const error = await run(['code', SECRET, '--digit', '8'])
    expect(error.stderr).toBe("otp-wasm code: unknown option --digit; did you mean --digits?\nRun 'otp-wasm code --help' for usage.\n")
  })
})

describe('otp: loading', () => {
  /**
   * What a command loads: the source files (src/...) of the dist/ files it loads, read from their
   * source maps (the Node build bundles modules into chunks), and the files of node_modules/.
   */
  async function loaded(args: string[]): Promise<string[]> {
    // The hooks run on a thread of their own: their writes to stderr can be lost when the process
    // exits, so each load is appended to a file, synchronously.
    const hooks = join(dir, 'hooks.mjs')
    const log = join(dir, `loaded-${args.join('-').replace(/\W+/g, '_')}.txt`)
    writeFileSync(log, '')
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs'\nexport async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, \`LOADED \${url}\\n\`); return next(url, context) }\n`,
    )
    const register = join(dir, 'register.mjs')
    writeFileSync(register, `import { register } from 'node:module'\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)})\n`)
    await new Promise<void>((resolve) => {
      const child = spawn(process.execPath, ['--import', register, OTP_MAIN, ...args], { stdio: 'ignore' })
      child.on('close', () => resolve())
    })
    return [...readFileSync(log, 'utf8').matchAll(/^LOADED (file:\/\/\S*?\/(dist\/\S+|node_modules\/\S+))$/gm)].flatMap(([, url, path]) => {
      if (!path!.startsWith('dist/')) return [path!]
      const map = JSON.parse(readFileSync(new URL(`${url}.map`), 'utf8')) as { sources: string[] }
      return map.sources.map((source) => new URL(source, url).pathname.replace(/^.*?\/src\//, 'src/'))
    })
  }

  // The library's own modules come in the one chunk the main entry loads (scripts/build-node.js);
  // what is heavy is the rest: the verifier and its stores, the pool, qrcode, the other commands.
  it('loads no token database, QR encoder, worker pool or other command for otp code', async () => {
    const files = await loaded(['code', SECRET])
    expect(files).toContain('src/cli/commands/code.ts')
    const heavy = files.filter((file) =>
      /verifier\/|pool\/|piscina|qrcode|better-sqlite3|ioredis|commands\/(?!code)|cli\/batch\//.test(file),
    )
    expect(heavy).toEqual([])
  })

  it("runs otp batch on the engine's worker pool, with no pool of its own", async () => {
    const input = join(dir, 'one.ndjson')
    writeFileSync(input, `${JSON.stringify({ secret: SECRET, code: '123456', time: 1000 })}\n`)
    const files = await loaded(['batch', input, '--threads', '2'])
    expect(files).toContain('src/pool/pool.ts')
    expect(files.filter((file) => file.startsWith('src/cli/batch/') && /worker|chunk/.test(file))).toEqual([])
  })

  it('loads the QR encoder for otp uri only when a QR code is asked for', async () => {
    const plain = await loaded(['uri', '--issuer', 'I', '--account', 'a'])
    expect(plain.filter((file) => /node_modules\/qrcode\//.test(file))).toEqual([])
    const withQr = await loaded(['uri', '--issuer', 'I', '--account', 'a', '--qr'])
    expect(withQr).toContain('node_modules/qrcode/lib/index.js')
  })
})

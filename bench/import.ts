/**
 * Bulk import: `npx tsx bench/import.ts`.
 *
 * Writes a PSKC file of 100,000 keys (TOKENS to change it) encrypted under a password with buildPskc's
 * defaults (PBKDF2-HMAC-SHA256 at DEFAULT_PBKDF2_ITERATIONS, AES-256-CBC, an HMAC-SHA256 ValueMAC per
 * secret), then imports it into a new SQLite token database through `otp import` itself (the command's
 * run(), in a child process of its own, so that writing the file does not count in its memory): the
 * file streamed through parsePskcStream, every token sealed and enrolled by verifier.enrollMany, one
 * transaction per chunk. Reports tokens per second on one core (the import runs on the main thread
 * alone) and the child's peak resident memory. Targets: >= 20,000 tokens/s, < 300 MiB.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const TOKENS = Number(process.env.TOKENS ?? 100_000)
const PASSWORD = 'bench password'
const BUILT_CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!, process.argv[5]!)
else await parent()

async function parent(): Promise<void> {
  const { buildPskc, DEFAULT_PBKDF2_ITERATIONS } = await import('../src/io/pskc/build.js')
  const dir = mkdtempSync(join(tmpdir(), 'otp-bench-import-'))
  try {
    const file = join(dir, 'tokens.pskcxml')
    const passwordFile = join(dir, 'password.txt')
    writeFileSync(passwordFile, `${PASSWORD}\n`)
    const random = new Uint8Array(randomBytes(TOKENS * 20))
    const tokens = Array.from({ length: TOKENS }, (_, i) =>
      i % 2 === 0
        ? {
            type: 'totp' as const,
            secret: random.subarray(i * 20, i * 20 + 20),
            account: `user${i}@example.com`,
            algorithm: 'SHA1' as const,
            digits: 6,
            period: 30,
          }
        : {
            type: 'hotp' as const,
            secret: random.subarray(i * 20, i * 20 + 20),
            account: '',
            serial: `SN${i}`,
            algorithm: 'SHA1' as const,
            digits: 6,
            counter: i,
          },
    )
    let started = performance.now()
    writeFileSync(file, buildPskc(tokens, { password: PASSWORD }))
    const built = (performance.now() - started) / 1000
    console.log(
      `wrote ${TOKENS.toLocaleString('en-US')} keys (${(statSync(file).size / 2 ** 20).toFixed(1)} MiB, PBKDF2 ${DEFAULT_PBKDF2_ITERATIONS.toLocaleString('en-US')} iterations) in ${built.toFixed(1)} s`,
    )
    started = performance.now()
    const output = execFileSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', file, passwordFile, join(dir, 'tokens.db')],
      {
        encoding: 'utf8',
      },
    )
    const figures = JSON.parse(output.trim().split('\n').pop()!) as {
      seconds: number
      cpuSeconds: number
      maxRssMiB: number
      summary: string
    }
    console.log(figures.summary.trim())
    const rate = TOKENS / figures.seconds
    console.log(
      `import: ${figures.seconds.toFixed(2)} s, ${Math.round(rate).toLocaleString('en-US')} tokens/s on one core (target >= 20,000)`,
    )
    // On a busy machine the wall clock counts other processes' turns too: the CPU time is the import's own.
    const cpuRate = TOKENS / figures.cpuSeconds
    console.log(
      `        ${figures.cpuSeconds.toFixed(2)} s of CPU (user + system), ${Math.round(cpuRate).toLocaleString('en-US')} tokens per CPU second; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
    )
    console.log(`peak RSS of the importing process: ${figures.maxRssMiB.toFixed(0)} MiB (target < 300)`)
    if (existsSync(BUILT_CLI)) builtCli(file, passwordFile, join(dir, 'built.db'))
    else console.log('(no dist/cli/main.js: npm run build:ts, then run again, to time the built otp command too)')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The import, as `otp import FILE --password-file F --db DB` runs it; prints its figures as JSON. */
async function child(file: string, passwordFile: string, db: string): Promise<void> {
  const { importCommand } = await import('../src/cli/commands/import.js')
  let summary = ''
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string) => {
    summary += chunk
    return true
  }) as typeof process.stdout.write
  const started = performance.now()
  const cpu = process.cpuUsage()
  const status = await importCommand.run([file, '--password-file', passwordFile, '--db', db])
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  const cpuSeconds = (used.user + used.system) / 1e6
  process.stdout.write = write
  if (status !== 0) throw new Error(`otp import exited with ${status}: ${summary}`)
  write(`${JSON.stringify({ seconds, cpuSeconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, summary })}\n`)
}

/**
 * The same import by the built `otp` command, as an installed otp-wasm runs it: a process of its own
 * (its start-up included), whose CPU time and peak memory a preloaded hook reports at exit.
 */
function builtCli(file: string, passwordFile: string, db: string): void {
  const hook =
    'const c=process.cpuUsage();process.on("exit",()=>{const u=process.cpuUsage(c);' +
    'process.stderr.write("\\nBENCH "+JSON.stringify({cpuSeconds:(u.user+u.system)/1e6,maxRssMiB:process.resourceUsage().maxRSS/1024})+"\\n")})'
  const started = performance.now()
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      `data:text/javascript,${encodeURIComponent(hook)}`,
      BUILT_CLI,
      'import',
      file,
      '--password-file',
      passwordFile,
      '--db',
      db,
    ],
    {
      encoding: 'utf8',
    },
  )
  const seconds = (performance.now() - started) / 1000
  const line = /^BENCH (.*)$/m.exec(run.stderr)
  if (run.status !== 0 || line === null) throw new Error(`the built otp import failed (${run.status}): ${run.stderr}`)
  const figures = JSON.parse(line[1]!) as { cpuSeconds: number; maxRssMiB: number }
  console.log(
    `built otp import (dist/): ${seconds.toFixed(2)} s, ${Math.round(TOKENS / seconds).toLocaleString('en-US')} tokens/s; ` +
      `${Math.round(TOKENS / figures.cpuSeconds).toLocaleString('en-US')} tokens per CPU second; peak RSS ${figures.maxRssMiB.toFixed(0)} MiB`,
  )
}

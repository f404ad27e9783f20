/**
 * Cold start: what a process pays to import otp-wasm and print one TOTP code, against the same with
 * otpauth, and the floor under both (one code by hand over node:crypto).
 *
 *   npx tsx bench/cold-start.ts [--runs N] [--profiles N] [--no-modules] [--bundle]
 *
 * 1. CPU time (user + system, every thread, Node's own startup included) of whole `node FILE.mjs`
 *    processes (bench/cold-start/*.mjs), read by a preloaded hook as each one exits; the three run
 *    in rounds that rotate their order, and each figure is the median. The ratio otp-wasm / otpauth
 *    is the one to read (target: at most 1), with the same above the node:crypto floor.
 * 2. The modules each one loads, counted by a load hook in a separate, untimed run.
 * 3. Where otp-wasm's time goes: CPU profiles (--cpu-prof) of a few more runs, each sample charged
 *    to the innermost module of the package or of node_modules on its stack, else to Node's module
 *    loader (reading and compiling module sources), its bootstrap, or the garbage collector.
 *
 * With --bundle, a fourth process imports dist/index.js bundled into one file by esbuild: the same
 * code without the per-file cost of Node's module loader.
 *
 * It runs the built package (dist/): build first (npm run build).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const HERE = join(ROOT, 'bench', 'cold-start')

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    profiles: { type: 'string', default: '5' },
    'no-modules': { type: 'boolean', default: false },
    bundle: { type: 'boolean', default: false },
  },
})
const RUNS = Number(values.runs)
const PROFILES = Number(values.profiles)

/** A process compared: `file` prints one TOTP code. */
interface Subject {
  readonly name: string
  readonly file: string
}

const SUBJECTS: Subject[] = [
  { name: 'otp-wasm', file: join(HERE, 'otp-wasm.mjs') },
  { name: 'otpauth', file: join(HERE, 'otpauth.mjs') },
  { name: 'node:crypto by hand', file: join(HERE, 'node-crypto.mjs') },
]

/**
 * dist/index.js bundled into one file, in a scratch folder laid out as the package is (the kernel is
 * found at ../../build/ from the entry, node_modules beside it), and a script that imports it.
 */
async function bundledSubject(directory: string): Promise<Subject> {
  const { build } = await import('esbuild')
  mkdirSync(join(directory, 'dist', 'bundle'), { recursive: true })
  symlinkSync(join(ROOT, 'build'), join(directory, 'build'))
  symlinkSync(join(ROOT, 'node_modules'), join(directory, 'node_modules'))
  await build({
    entryPoints: [join(ROOT, 'dist', 'index.js')],
    outfile: join(directory, 'dist', 'bundle', 'index.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'error',
    // The optional peer dependencies stay outside, as the package has them.
    external: ['better-sqlite3', 'ioredis'],
  })
  const script = join(directory, 'otp-wasm-bundled.mjs')
  writeFileSync(script, readFileSync(join(HERE, 'otp-wasm.mjs'), 'utf8').replace("from 'otp-wasm'", "from './dist/bundle/index.mjs'"))
  return { name: 'otp-wasm, one file', file: script }
}

interface Run {
  cpuMs: number
  wallMs: number
}

/** Runs `node [args] FILE` from the repository root; throws unless it printed a 6-digit code. */
function runNode(subject: Subject, args: string[], env: NodeJS.ProcessEnv = process.env): { stderr: string; wallMs: number } {
  const start = process.hrtime.bigint()
  const child = spawnSync(process.execPath, [...args, subject.file], { cwd: ROOT, env, encoding: 'utf8' })
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6
  if (child.status !== 0 || !/^\d{6}\n$/.test(child.stdout)) {
    throw new Error(`${subject.name}: exit ${child.status}, printed ${JSON.stringify(child.stdout)}: ${child.stderr.trim()}`)
  }
  return { stderr: child.stderr, wallMs }
}

function timedRun(subject: Subject): Run {
  const { stderr, wallMs } = runNode(subject, ['--import', join(HERE, 'cpu-at-exit.mjs')])
  const match = /cold-start-cpu (\d+) (\d+)/.exec(stderr)
  if (!match) throw new Error(`${subject.name}: no CPU figure on stderr: ${stderr.trim()}`)
  return { cpuMs: (Number(match[1]) + Number(match[2])) / 1000, wallMs }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
const ms = (value: number): string => `${value.toFixed(1)} ms`

/** Where a file belongs: a folder of dist/ (the package) or a package of node_modules. */
function groupOf(url: string): string | null {
  if (!url.startsWith('file://')) return null
  const path = url.startsWith('file://') ? fileURLToPath(url) : url
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)
  if (inModules) return inModules[1]!
  const inDist = /\/dist\/(?:([^/]+)\/)?(?:[^/]+\/)*[^/]+$/.exec(path)
  if (inDist) return `otp-wasm dist/${inDist[1] ? `${inDist[1]}/` : ''}`
  if (path.endsWith('.mjs') && !path.startsWith(ROOT)) return 'the script itself (and console.log)'
  if (path.startsWith(HERE)) return 'the script itself (and console.log)'
  return path.slice(ROOT.length)
}

/** The modules a subject's process loads, by group, with their source bytes. */
function countModules(subject: Subject): { total: number; builtins: number; groups: Map<string, { count: number; bytes: number }> } {
  const directory = mkdtempSync(join(tmpdir(), 'otp-cold-'))
  const list = join(directory, 'modules.txt')
  try {
    runNode(subject, ['--import', join(HERE, 'count-modules.mjs')], { ...process.env, COLD_START_MODULES: list })
    const urls = new Set(
      readFileSync(list, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.slice(4))
        .map((entry) => (entry.startsWith('/') ? `file://${entry}` : entry)),
    )
    const groups = new Map<string, { count: number; bytes: number }>()
    let builtins = 0
    for (const url of urls) {
      const group = groupOf(url)
      if (group === null) {
        builtins++
        continue
      }
      if (group.startsWith('the script itself')) continue
      const entry = groups.get(group) ?? { count: 0, bytes: 0 }
      entry.count++
      entry.bytes += statSync(fileURLToPath(url)).size
      groups.set(group, entry)
    }
    const total = [...groups.values()].reduce((sum, g) => sum + g.count, 0)
    return { total, builtins, groups }
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>
  samples: number[]
  timeDeltas: number[]
}

/** Functions whose inclusive time the profile summary names: the kernel's first load. */
const WATCHED = ['defaultKernel', 'loadWasmModuleSync', 'createWasmKernel', 'compile']

/** Milliseconds per group, and inclusive milliseconds of the watched functions, in one profile. */
function chargeProfile(profile: CpuProfile): { groups: Map<string, number>; watched: Map<string, number> } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const groups = new Map<string, number>()
  const watched = new Map<string, number>()
  const add = (map: Map<string, number>, key: string, value: number): void => void map.set(key, (map.get(key) ?? 0) + value)
  profile.samples.forEach((id, i) => {
    const delta = (profile.timeDeltas[i] ?? 0) / 1000
    let group: string | null = null
    let loader = false
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url } = byId.get(at)!.callFrame
      group ??= groupOf(url)
      if (/compileSourceTextModule|ModuleWrap|getModuleJobForImport|moduleResolve|defaultResolve|defaultLoad/.test(functionName))
        loader = true
      if (url.includes('/dist/') && WATCHED.includes(functionName) && !seen.has(functionName)) {
        seen.add(functionName)
        add(watched, functionName, delta)
      }
    }
    const leaf = byId.get(id)!.callFrame.functionName
    if (group === null) {
      if (leaf === '(garbage collector)') group = 'garbage collector'
      else if (leaf === '(idle)') return
      else if (loader) group = "Node's module loader (resolve, read, compile)"
      else if (leaf === '(program)') group = 'V8 and native, unattributed'
      else group = "Node's bootstrap"
    }
    add(groups, group, delta)
  })
  return { groups, watched }
}

/** Medians over several profiles of one subject. */
function profileSubject(subject: Subject, count: number): { groups: Array<[string, number]>; watched: Array<[string, number]> } {
  const directory = mkdtempSync(join(tmpdir(), 'otp-cold-prof-'))
  try {
    for (let i = 0; i < count; i++) runNode(subject, ['--cpu-prof', '--cpu-prof-dir', directory, '--cpu-prof-interval', '100'])
    const profiles = readdirSync(directory).map((file) =>
      chargeProfile(JSON.parse(readFileSync(join(directory, file), 'utf8')) as CpuProfile),
    )
    const medians = (pick: (p: ReturnType<typeof chargeProfile>) => Map<string, number>): Array<[string, number]> => {
      const keys = new Set(profiles.flatMap((p) => [...pick(p).keys()]))
      return [...keys].map((key): [string, number] => [key, median(profiles.map((p) => pick(p).get(key) ?? 0))]).sort((a, b) => b[1] - a[1])
    }
    return { groups: medians((p) => p.groups), watched: medians((p) => p.watched) }
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'otp-cold-bundle-'))
  try {
    if (values.bundle) SUBJECTS.splice(1, 0, await bundledSubject(scratch))
    measure()
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

function measure(): void {
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim()
  console.log(
    `Cold start: one TOTP code from a fresh \`node\` process (Node ${process.version}, commit ${commit || 'unknown'}, dist/ as built)`,
  )
  const runs = new Map<string, Run[]>(SUBJECTS.map((s) => [s.name, []]))
  for (const subject of SUBJECTS) timedRun(subject) // warm the disk cache, untimed
  for (let round = 0; round < RUNS; round++) {
    for (let k = 0; k < SUBJECTS.length; k++) {
      const subject = SUBJECTS[(round + k) % SUBJECTS.length]!
      runs.get(subject.name)!.push(timedRun(subject))
    }
  }
  const cpu = (name: string): number => median(runs.get(name)!.map((r) => r.cpuMs))
  console.log(`\nCPU time per process (user + system), median of ${RUNS} interleaved runs:`)
  for (const subject of SUBJECTS) {
    const own = runs.get(subject.name)!
    const sorted = own.map((r) => r.cpuMs).sort((a, b) => a - b)
    console.log(
      `  ${subject.name.padEnd(22)} ${ms(cpu(subject.name)).padStart(9)}  (range ${ms(sorted[0]!)} to ${ms(sorted.at(-1)!)}; wall ${ms(median(own.map((r) => r.wallMs)))})`,
    )
  }
  const floor = cpu('node:crypto by hand')
  console.log(`  ratio otp-wasm / otpauth: ${(cpu('otp-wasm') / cpu('otpauth')).toFixed(2)} (target: at most 1.00)`)
  console.log(
    `  above the node:crypto floor: otp-wasm ${ms(cpu('otp-wasm') - floor)}, otpauth ${ms(cpu('otpauth') - floor)}, ratio ${((cpu('otp-wasm') - floor) / (cpu('otpauth') - floor)).toFixed(2)}`,
  )

  if (!values['no-modules']) {
    console.log('\nModules loaded (a separate, untimed run with a counting hook; source bytes read):')
    for (const subject of SUBJECTS) {
      const { total, builtins, groups } = countModules(subject)
      const parts = [...groups]
        .sort((a, b) => b[1].bytes - a[1].bytes)
        .map(([group, g]) => `${group} ${g.count} (${(g.bytes / 1024).toFixed(0)} KiB)`)
      console.log(
        `  ${subject.name.padEnd(22)} ${String(total).padStart(3)} files + ${builtins} node: builtins${parts.length ? `: ${parts.join(', ')}` : ''}`,
      )
    }
  }

  if (PROFILES > 0) {
    for (const subject of SUBJECTS.filter((s) => s.name !== 'node:crypto by hand')) {
      const { groups, watched } = profileSubject(subject, PROFILES)
      const total = groups.reduce((sum, [, value]) => sum + value, 0)
      console.log(
        `\nWhere ${subject.name}'s time goes (CPU profiles of ${PROFILES} runs, 0.1 ms samples, medians; the profiler slows every part):`,
      )
      for (const [group, value] of groups.filter(([, value]) => value >= 0.5)) {
        console.log(`  ${group.padEnd(46)} ${ms(value).padStart(9)} ${`${((value / total) * 100).toFixed(0)}%`.padStart(5)}`)
      }
      if (watched.length) {
        console.log(`  inclusive: ${watched.map(([name, value]) => `${name} ${ms(value)}`).join(', ')}`)
      }
    }
  }
}

await main()

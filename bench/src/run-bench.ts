/** The whole benchmark run: lineup, ceiling, every workload, then the table, JSON, chart and docs/benchmarks.md. */
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { measureCeiling, type Ceiling } from './ceiling.js'
import { renderChart } from './chart.js'
import { closeLineup, gatherLineup, type Lineup } from './contenders.js'
import { renderSummaryTable, writeBenchmarksDoc } from './benchmarks-doc.js'
import { machineFacts } from './machine.js'
import { loadBenchmark, type SampleBudget } from './micro.js'
import type { BenchReport, WorkloadResult } from './report.js'
import { proveBaseline } from './rfc-proof.js'
import { runLargeWorkload } from './run-large.js'
import { runSingleCodeWorkload } from './run-single.js'
import { renderWorkloadTable } from './table.js'
import type { RunPlan } from './timed-runs.js'
import { releaseFixtures, WORKLOADS, type RacingEngine, type Workload } from './workloads.js'

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** Smaller sizes and fewer samples: the whole run takes under a minute on two cores. Default false. */
  quick?: boolean
  /** Directory that receives `<mode>.json` and `<mode>.svg` (created if missing). Nothing is written when omitted. */
  out?: string
  /** A markdown file (docs/benchmarks.md) written whole from this run: every table, the chart, the method. */
  doc?: string
  /** Runs only the workloads whose id contains one of these strings (e.g. `['sha1', 'resync']`). */
  only?: readonly string[]
  /** Measures the openssl reference (one core's SHA rate) when openssl is installed. Default true. */
  openssl?: boolean
  /** Receives progress and tables line by line. Default: console.log. */
  log?: (line: string) => void
}

const MICRO_BUDGET: Record<BenchReport['mode'], SampleBudget> = {
  full: { rounds: 3, maxTime: 0.8, minSamples: 5, warmupTime: 0.3 },
  quick: { rounds: 1, maxTime: 0.06, minSamples: 4, minTime: 0.02, warmupTime: 0.03 },
}

/**
 * Runs of each large workload. The machine is shared, and a stretch of load from elsewhere can slow
 * several runs of one engine in a row: a full run takes as many as fit in its budget, up to `runs`,
 * so that the median stays put when a few are slowed.
 */
const LARGE_PLAN: Record<BenchReport['mode'], RunPlan> = {
  full: { runs: 15, minRuns: 3, budgetSeconds: 60 },
  quick: { runs: 3, minRuns: 3, budgetSeconds: 2 },
}

const METHOD = [
  "Every figure is a ratio to the node:crypto baseline (HOTP by hand over createHmac) measured in the same process and run; absolute ops/s drift with the machine's load. A full garbage collection runs before each contender's turn, so that none pays for another's garbage.",
  'Every contender first reproduces RFC 4226 appendix D and agrees with the baseline (itself checked on RFC 6238 appendix B) on SHA-256 and SHA-512; one that does not is excluded.',
  `Single-code workloads: benchmark.js, mean ops/s with its relative margin of error (95%), samples pooled over rounds that alternate the contenders' order (${MICRO_BUDGET.full.rounds} rounds in a full run), so that drifting load slows all alike. Per-key objects a server could cache per user (a keyed HMAC state, a CryptoKey, a library object) are made before timing.`,
  'TOTP verification: the code given is one step ahead, so every verifier computes the three HMACs of window ±1.',
  `Large workloads: timed runs interleaved between the engines (up to ${LARGE_PLAN.full.runs} in a full run, as many as fit in ${LARGE_PLAN.full.budgetSeconds} s), median and spread. Before each run: the full collection, a wait until the background threads are quiet, and a small untimed run of the same engine (the collection throws away optimized code, which the timed run would otherwise recompile on the cores a multi-threaded engine uses). node:crypto runs a proportionate sample of the same work in worker threads (one, then one per core), each with a heap of its own.`,
  "openssl reference: openssl speed's SHA compression rate on one core (one hash stream, with the CPU's SHA instructions where it has them), divided by the compressions an operation needs: 4 per code with key setup, 8 for a TOTP window of three with one key setup, 2 per counter of a scan with ipad/opad precomputed. An engine can pass it: SIMD lanes hash four streams at once, and a kernel may prebuild the constant padding of the counter block.",
]

function selected(workload: Workload, only: readonly string[] | undefined): boolean {
  return !only?.length || only.some((part) => workload.id.includes(part))
}

/**
 * Opens the engines the large workloads race: one thread, and all cores. An all-cores engine races
 * only when it reports that many worker threads (`engine.threads`), so that a build without a pool
 * is never shown as a multi-thread figure.
 */
async function openEngines(lineup: Lineup, cores: number): Promise<{ engines: RacingEngine[]; notes: string[] }> {
  const module = lineup.otpWasm
  if (!module) return { engines: [], notes: [] }
  if (!module.createEngine) return { engines: [], notes: ['createEngine is not in this build yet'] }
  const engines: RacingEngine[] = []
  const notes: string[] = []
  for (const threads of cores > 1 ? [1, cores] : [1]) {
    try {
      const engine = await module.createEngine({ backend: 'auto', threads })
      lineup.engines.push(engine)
      if (threads > 1 && engine.threads !== threads) {
        notes.push(
          `createEngine({ threads: ${threads} }) reports ${engine.threads === undefined ? 'no engine.threads' : `engine.threads = ${engine.threads}`}: no worker pool in this build, so no all-threads otp-wasm figure`,
        )
        continue
      }
      engines.push({ name: 'otp-wasm', threads, engine, module })
    } catch (error) {
      notes.push(`createEngine({ threads: ${threads} }) failed: ${(error as Error).message}`)
    }
  }
  return { engines, notes }
}

/**
 * Runs the benchmark and answers its report. Prints a table per workload as it goes (through
 * `options.log`), then writes the JSON and SVG into `options.out` and the whole of `options.doc`
 * when those are given, and prints the short table of the README.
 */
export async function runBench(options: BenchOptions = {}): Promise<BenchReport> {
  const log = options.log ?? ((line: string) => console.log(line))
  const mode: BenchReport['mode'] = options.quick ? 'quick' : 'full'
  const started = Date.now()
  const machine = await machineFacts()
  log(`otp-wasm benchmark, ${mode} run: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}`)

  proveBaseline()
  log('Proving every contender on the RFC vectors:')
  const lineup = await gatherLineup(log)
  let report: BenchReport
  try {
    let ceiling: Ceiling | null = null
    if (options.openssl !== false) {
      const measured = await measureCeiling(mode === 'quick' ? 1 : 3)
      if ('reason' in measured) log(`openssl reference: ${measured.reason}`)
      else ceiling = measured
    }

    const selectedWorkloads = WORKLOADS.filter((w) => selected(w, options.only))
    // Engines (and the pool's workers) only when a large workload will race them.
    const { engines, notes: engineNotes } = selectedWorkloads.some((w) => w.kind === 'large')
      ? await openEngines(lineup, machine.cores)
      : { engines: [], notes: [] }
    for (const note of engineNotes) log(`otp-wasm engines: ${note}`)
    const backend = engines[0]?.engine.backend ?? lineup.otpWasm?.defaultBackend?.() ?? null

    const Benchmark = await loadBenchmark()
    const workloads: WorkloadResult[] = []
    for (const workload of selectedWorkloads) {
      const ceilingPerCore = ceiling ? ceiling.perCore[workload.algorithm].compressionsPerSecond / workload.compressions : null
      log('')
      const workloadStart = performance.now()
      let result: WorkloadResult
      if (workload.kind === 'single') {
        if (!Benchmark) {
          log(`${workload.title}: skipped, benchmark.js is not installed (it is a devDependency)`)
          continue
        }
        result = await runSingleCodeWorkload(workload, lineup.contenders, Benchmark, MICRO_BUDGET[mode], ceilingPerCore)
        result = { ...result, skipped: [...lineup.excluded, ...result.skipped] }
      } else {
        log(`${workload.title(workload.size[mode])}:`)
        result = await runLargeWorkload(workload, engines, {
          mode,
          cores: machine.cores,
          plan: LARGE_PLAN[mode],
          ceilingPerCore,
          log,
        })
        // Inputs are not kept for the next workload: every large workload starts on a small heap.
        releaseFixtures()
        const missing = engineNotes.map((reason) => ({ name: 'otp-wasm', reason }))
        if (!lineup.otpWasm) missing.push({ name: 'otp-wasm', reason: lineup.otpWasmNote ?? 'not loaded' })
        result = {
          ...result,
          skipped: [...missing, ...result.skipped],
          notes: [
            ...result.notes,
            'the peers have no batch or resync API: looping over their single-code functions is the node:crypto loop with their HMAC, see the single-code workloads',
          ],
        }
      }
      workloads.push(result)
      for (const line of renderWorkloadTable(result)) log(line)
      log(`  (${((performance.now() - workloadStart) / 1000).toFixed(1)} s)`)
    }

    report = {
      schema: 1,
      mode,
      date: new Date(started).toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 100) / 10,
      machine,
      loadAverageAtEnd: os.loadavg().map((value) => Math.round(value * 100) / 100),
      otpWasm: {
        loaded: lineup.otpWasm !== null,
        version: lineup.otpWasmVersion,
        backend,
        simdRan: backend === 'wasm-simd',
        ...(lineup.otpWasmNote ? { note: lineup.otpWasmNote } : {}),
      },
      peers: lineup.peers,
      ceiling,
      workloads,
      method: METHOD,
    }
  } finally {
    releaseFixtures()
    await closeLineup(lineup)
  }

  log('')
  log(`Done in ${report.durationSeconds} s.${report.otpWasm.backend ? ` otp-wasm backend: ${report.otpWasm.backend}.` : ''}`)
  if (options.out) {
    const directory = resolve(options.out)
    await mkdir(directory, { recursive: true })
    await writeFile(join(directory, `${mode}.json`), JSON.stringify(report, null, 2) + '\n')
    await writeFile(join(directory, `${mode}.svg`), renderChart(report))
    log(`Wrote ${join(directory, `${mode}.json`)} and ${mode}.svg`)
  }
  if (options.doc) {
    await writeBenchmarksDoc(options.doc, report, options.out ? join(resolve(options.out), `${mode}.svg`) : null)
    log(`Wrote ${options.doc}`)
  }
  const summary = renderSummaryTable(report)
  if (summary) {
    log('')
    log('In short (ratios to node:crypto, for the README):')
    for (const line of summary.split('\n')) log(line)
  }
  return report
}

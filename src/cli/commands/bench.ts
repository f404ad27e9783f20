/**
 * `otp bench`: otp-wasm's own figures against a node:crypto loop (src/cli/bench-figures.ts). The
 * comparison with the other OTP libraries needs their packages, so it lives in the repository
 * (`npm run bench`), not in the installed command.
 */
import { parseCommandLine, parseInteger } from '../args.js'
import { benchFigures, type BenchFigure } from '../bench-figures.js'
import type { Command } from '../command.js'
import { EXIT_OK, UsageError } from '../exit.js'

const OPTIONS = {
  threads: { type: 'string' },
  runs: { type: 'string' },
} as const

const FULL_BENCH =
  'The comparison with the other OTP libraries (otplib, otpauth, speakeasy, ...) is `npm run bench` in a checkout of otp-wasm.'

function rate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toPrecision(3)} M/s`
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toPrecision(3)} k/s`
  return `${perSecond.toPrecision(3)}/s`
}

function row(figure: BenchFigure): string {
  const ratio = figure.otpWasm / figure.nodeCrypto
  return `${figure.title.padEnd(46)} ${rate(figure.otpWasm).padStart(10)} ${rate(figure.nodeCrypto).padStart(12)} ${`${ratio.toPrecision(3)}×`.padStart(8)}`
}

export const benchCommand: Command = {
  name: 'bench',
  help: `Usage: otp bench [--threads N] [--runs N]

Times three HMAC-SHA-1 workloads, each against the node:crypto loop that does the same work
(one HMAC object per code), in the same process: one TOTP verification (window ±1), a batch of
1,000,000 TOTP records of 100,000 users through engine.verifyColumns (on a filled BatchBuilder),
and an HOTP resync scan of 10,000,000 counters. Each side is warmed up, then timed in runs that
alternate; the figures are medians, and the ratio is the one to read. Takes about half a minute.

${FULL_BENCH}

Options:
  --threads N   worker threads for the batch and the scan, 1 to 256 (default 1, as the loop)
  --runs N      timed runs per side, 1 to 50 (default 3)
  -h, --help    show this help

Exit status: 0 when the run completed, 2 on a usage error or a wrong answer from either side.`,

  async run(argv) {
    const { values, positionals } = parseCommandLine(argv, OPTIONS)
    if (positionals.length > 0) throw new UsageError('takes no arguments')
    const threads = values.threads === undefined ? 1 : parseInteger(values.threads, '--threads', 1, 256)
    const runs = values.runs === undefined ? 3 : parseInteger(values.runs, '--runs', 1, 50)
    const out = (line: string): boolean => process.stdout.write(`${line}\n`)
    out(`otp-wasm against a node:crypto loop, HMAC-SHA-1, Node ${process.version}, median of ${runs} runs`)
    out(`${'workload'.padEnd(46)} ${'otp-wasm'.padStart(10)} ${'node:crypto'.padStart(12)} ${'ratio'.padStart(8)}`)
    const { backend, threads: used } = await benchFigures({ threads, runs, onFigure: (figure) => out(row(figure)) })
    out(`otp-wasm backend ${backend}; the batch and the scan on ${used} thread(s), node:crypto on 1.`)
    out(FULL_BENCH)
    return EXIT_OK
  },
}

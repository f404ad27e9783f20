/**
 * `otp bench`: the benchmark, otp-wasm against node:crypto and the OTP libraries (src/bench).
 */
import { parseCommandLine } from '../args.js'
import type { Command } from '../command.js'
import { EXIT_OK, UsageError } from '../exit.js'

const OPTIONS = {
  quick: { type: 'boolean' },
  only: { type: 'string' },
  out: { type: 'string' },
  'no-openssl': { type: 'boolean' },
} as const

export const benchCommand: Command = {
  name: 'bench',
  summary: 'race otp-wasm against node:crypto and the OTP libraries',
  help: `Usage: otp bench [--quick] [--only ID[,ID...]] [--out DIR] [--no-openssl]

Runs the benchmark: single codes, batches and resync scans, otp-wasm against a node:crypto
baseline and the OTP libraries installed beside it, each first proven on the RFC vectors.
Every figure is a ratio to the baseline measured in the same run. Prints tables as it goes.

Options:
  --quick            smaller sizes and fewer samples: about a minute on two cores
  --only ID,...      run only the workloads whose id contains one of these
  --out DIR          also write the report as DIR/<full|quick>.json and .svg
  --no-openssl       skip measuring the openssl speed ceiling
  -h, --help         show this help

Exit status: 0 when the run completed, 2 on a usage error.`,

  async run(argv) {
    const { values, positionals } = parseCommandLine(argv, OPTIONS)
    if (positionals.length > 0) throw new UsageError('takes no arguments')
    // Loaded on demand: the benchmark pulls in every contender, which the other commands never need.
    const { runBench } = await import('../../bench/index.js')
    await runBench({
      quick: values.quick === true,
      openssl: values['no-openssl'] !== true,
      log: (line) => process.stdout.write(`${line}\n`),
      ...(values.out !== undefined ? { out: values.out } : {}),
      ...(values.only !== undefined ? { only: values.only.split(',').filter((id) => id !== '') } : {}),
    })
    return EXIT_OK
  },
}

/**
 * `npm run bench [-- options]`: builds the package, then races the built otp-wasm against node:crypto
 * and the OTP libraries (bench/src). Run from a checkout: the peers are devDependencies, and tsx runs
 * this TypeScript as it is.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { renderChart, renderSummaryTable, runBench, writeBenchmarksDoc, type BenchReport } from './src/index.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const DOC = `${root}docs/benchmarks.md`

const USAGE = `usage: npm run bench -- [--quick] [--out DIR] [--update-docs] [--only ID,ID] [--no-openssl]
       npm run bench -- --from bench/results/full.json   (redraw its chart and docs/benchmarks.md, no timing)

  --quick         smaller sizes and fewer samples: a few minutes on two cores
  --out DIR       where <full|quick>.json and .svg go (default bench/results)
  --update-docs   a full run, then rewrite docs/benchmarks.md from it
  --only ID,...   only the workloads whose id contains one of these (e.g. sha1,resync)
  --no-openssl    skip the openssl reference`

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: `${root}bench/results` },
    'update-docs': { type: 'boolean', default: false },
    from: { type: 'string' },
    only: { type: 'string' },
    'no-openssl': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
})

if (values.help) {
  console.log(USAGE)
} else if (values.from) {
  const report = JSON.parse(await readFile(values.from, 'utf8')) as BenchReport
  const chart = values.from.replace(/\.json$/, '.svg')
  await writeFile(chart, renderChart(report))
  if (report.mode !== 'full') {
    console.log(`Redrew ${chart}; docs/benchmarks.md shows only full runs, so it is left as it is.`)
  } else {
    await writeBenchmarksDoc(DOC, report, chart)
    console.log(`Redrew ${chart} and wrote docs/benchmarks.md from ${values.from}\n`)
    console.log(renderSummaryTable(report))
  }
} else if (values['update-docs'] && values.quick) {
  console.error('--update-docs takes a full run: docs/benchmarks.md shows only full-run figures.')
  process.exitCode = 2
} else {
  await runBench({
    quick: values.quick,
    out: values.out,
    ...(values['update-docs'] ? { doc: DOC } : {}),
    ...(values.only ? { only: values.only.split(',') } : {}),
    openssl: !values['no-openssl'],
  })
}

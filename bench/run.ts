#!/usr/bin/env node
// `npm run bench [-- options]`: runs the benchmark from the built package (dist/bench).
// Options: --quick, --out DIR (default bench/results), --update-readme, --only ID[,ID], --no-openssl,
//          --from FILE.json (no timing: redraw FILE.svg and the README section from a saved run).
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = fileURLToPath(new URL('..', import.meta.url))

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: `${root}bench/results` },
    'update-readme': { type: 'boolean', default: false },
    from: { type: 'string' },
    only: { type: 'string' },
    'no-openssl': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
})

if (values.help) {
  console.log(`usage: npm run bench -- [--quick] [--out DIR] [--update-readme] [--only ID,ID] [--no-openssl]
       npm run bench -- --from bench/results/full.json   (redraw its chart and the README section)`)
  process.exit(0)
}

let bench
try {
  bench = await import('../dist/bench/index.js')
} catch (error) {
  console.error(`The benchmark is not built (${error.message}). Run \`npm run build\` first.`)
  process.exit(1)
}

const readme = `${root}README.md`
if (values.from) {
  const report = JSON.parse(await readFile(values.from, 'utf8'))
  const chart = values.from.replace(/\.json$/, '.svg')
  await writeFile(chart, bench.renderChart(report))
  if (report.mode !== 'full') {
    console.log(`Redrew ${chart}; the README shows only full runs, so it is left as it is.`)
  } else {
    await bench.updateReadme(readme, report, chart)
    console.log(`Redrew ${chart} and the bench section of README.md from ${values.from}`)
  }
} else {
  if (values['update-readme'] && values.quick) {
    console.error('--update-readme takes a full run: the README shows only full-run figures.')
    process.exit(1)
  }
  await bench.runBench({
    quick: values.quick,
    out: values.out,
    ...(values['update-readme'] ? { readme } : {}),
    ...(values.only ? { only: values.only.split(',') } : {}),
    openssl: !values['no-openssl'],
  })
}

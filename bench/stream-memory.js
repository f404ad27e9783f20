#!/usr/bin/env node
// Verifies 10,000,000 TOTP records through engine.verifyStream, fed by a generator, and reports the
// process's peak resident memory: batches of any size run in bounded memory.
// Usage: node bench/stream-memory.js [--records N] [--threads N]
import { parseArgs } from 'node:util'
import { createEngine, randomSecret, totp } from '../dist/index.js'

const { values } = parseArgs({ options: { records: { type: 'string', default: '10000000' }, threads: { type: 'string' } } })
const RECORDS = Number(values.records)
const NOW = 1_700_000_000

const engine = await createEngine(values.threads ? { threads: Number(values.threads) } : {})
const users = Array.from({ length: 100_000 }, () => randomSecret(20))
const codes = users.map((secret) => totp(secret, { time: NOW }))

function* records() {
  for (let i = 0; i < RECORDS; i++) {
    const user = i % users.length
    // Every tenth code is wrong, so both outcomes are exercised.
    const wrong = codes[user] === '000000' ? '111111' : '000000'
    yield { secret: users[user], code: i % 10 === 9 ? wrong : codes[user], time: NOW }
  }
}

let peak = 0
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss))
const timer = setInterval(sample, 20)
const start = performance.now()
let valid = 0
let results = 0
for await (const result of engine.verifyStream(records())) {
  results++
  if (result === 0) valid++
}
const seconds = (performance.now() - start) / 1000
clearInterval(timer)
sample()
await engine.close()

const expected = RECORDS - Math.floor(RECORDS / 10)
console.log(
  JSON.stringify({
    records: results,
    valid,
    backend: engine.backend,
    threads: engine.threads,
    seconds: Number(seconds.toFixed(1)),
    recordsPerSecond: Math.round(results / seconds),
    peakRssMiB: Math.round(peak / 2 ** 20),
  }),
)
if (results !== RECORDS || valid !== expected) process.exit(1)

#!/usr/bin/env node
/**
 * The demo batch (npm start): a login storm of TOTP codes for many users, verified in one batch,
 * with its throughput against a node:crypto loop over the same records, measured in the same run.
 */
import { createHmac } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { BatchBuilder, createEngine, randomSecret, type Engine, type TotpVerifyRecord } from '../src/index.js'

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    users: { type: 'string', default: '100000' },
    threads: { type: 'string' },
    backend: { type: 'string', default: 'auto' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (args.help) {
  console.log('usage: npm start -- [--records N] [--users N] [--threads N] [--backend auto|wasm|js]')
  process.exit(0)
}

const RECORDS = Number(args.records)
const USERS = Number(args.users)
const PERIOD = 30
const NOW = Math.floor(Date.now() / 1000)

/** How the storm's codes were typed: mostly on time, some a step late or early, some wrong. */
const MIX = [
  { share: 0.85, shift: 0, label: 'on time' },
  { share: 0.07, shift: -1, label: 'a step late' },
  { share: 0.03, shift: 1, label: 'a step early' },
  { share: 0.03, shift: -3, label: 'too late' },
  { share: 0.02, shift: null, label: 'mistyped' },
] as const

function shiftOf(i: number): number | null {
  let x = ((i * 2654435761) >>> 0) / 2 ** 32
  for (const { share, shift } of MIX) {
    if (x < share) return shift
    x -= share
  }
  return 0
}

async function makeStorm(engine: Engine): Promise<{ secrets: Uint8Array[]; records: TotpVerifyRecord[] }> {
  const secrets = Array.from({ length: USERS }, () => randomSecret(20))
  const shifts = Array.from({ length: RECORDS }, (_, i) => shiftOf(i))
  const codes = await engine.generateBatch(
    shifts.map((shift, i) => ({ secret: secrets[i % USERS]!, time: NOW + (shift ?? 7) * PERIOD })),
  )
  const records = shifts.map((shift, i) => {
    const code = codes[i] as string
    // A mistyped code: the right one with one digit changed.
    const typed = shift === null ? code.slice(0, 5) + String((Number(code[5]) + 1) % 10) : code
    return { secret: secrets[i % USERS]!, code: typed, time: NOW, period: PERIOD, window: 1 }
  })
  return { secrets, records }
}

/** The baseline: what a careful verifier writes with node:crypto, three HMACs per record (window 1). */
function nodeCryptoVerify(record: TotpVerifyRecord): number | null {
  const step = Math.floor(record.time! / PERIOD)
  let found: number | null = null
  for (const delta of [1, -1, 0]) {
    const message = Buffer.alloc(8)
    message.writeBigUInt64BE(BigInt(step + delta))
    const mac = createHmac('sha1', record.secret as Uint8Array).update(message).digest()
    const offset = mac[mac.length - 1]! & 15
    const code = String((mac.readUInt32BE(offset) & 0x7fffffff) % 1e6).padStart(6, '0')
    if (code === record.code) found = delta
  }
  return found
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9
}

function rate(n: number, s: number): string {
  return `${(n / s / 1e6).toFixed(2)} M/s`
}

async function main(): Promise<void> {
  const threads = args.threads ? Number(args.threads) : availableParallelism()
  const engine = await createEngine({ backend: args.backend as 'auto', threads })
  console.log(`otp-wasm demo: ${RECORDS.toLocaleString('en')} TOTP codes from ${USERS.toLocaleString('en')} users, window 1`)
  console.log(`engine: ${engine.backend}, ${threads} thread(s)\n`)

  let t = process.hrtime.bigint()
  const { secrets, records } = await makeStorm(engine)
  console.log(`generated the storm in ${seconds(t).toFixed(2)} s`)

  t = process.hrtime.bigint()
  const results = await engine.verifyBatch(records)
  const batchSeconds = seconds(t)

  t = process.hrtime.bigint()
  const columns = new BatchBuilder()
  const keys = secrets.map((secret) => columns.addKey(secret))
  for (let i = 0; i < records.length; i++) columns.addTotp(keys[i % USERS]!, records[i]!.code, NOW, { period: PERIOD })
  const columnar = await engine.verifyColumns(columns)
  const columnsSeconds = seconds(t)

  const sample = records.slice(0, Math.min(records.length, 50_000))
  t = process.hrtime.bigint()
  for (let i = 0; i < sample.length; i++) {
    if (nodeCryptoVerify(sample[i]!) !== results[i]) throw new Error(`node:crypto disagrees on record ${i}`)
  }
  const baselineRate = sample.length / seconds(t)

  const byDelta = new Map<string, number>()
  for (const result of results) {
    const key = typeof result === 'number' ? `delta ${result > 0 ? '+' : ''}${result}` : result === null ? 'rejected' : `error ${result.code}`
    byDelta.set(key, (byDelta.get(key) ?? 0) + 1)
  }
  let agree = true
  for (let i = 0; i < results.length; i++) {
    const r = results[i]
    if ((r === null ? 0 : 1) !== columnar.status[i] || (r !== null && r !== columnar.delta[i])) agree = false
  }

  console.log('\nresults:')
  for (const [key, count] of [...byDelta].sort()) console.log(`  ${key.padEnd(12)} ${count.toLocaleString('en').padStart(10)}`)
  console.log(`  columnar form agrees: ${agree ? 'yes' : 'NO'}`)
  console.log('\nthroughput (same run):')
  const batchRate = RECORDS / batchSeconds
  const columnsRate = RECORDS / columnsSeconds
  console.log(`  node:crypto loop      ${rate(1, 1 / baselineRate).padStart(10)}   1.0x  (${sample.length.toLocaleString('en')}-record sample)`)
  console.log(`  verifyBatch(objects)  ${rate(RECORDS, batchSeconds).padStart(10)}  ${(batchRate / baselineRate).toFixed(1).padStart(4)}x`)
  console.log(`  verifyColumns         ${rate(RECORDS, columnsSeconds).padStart(10)}  ${(columnsRate / baselineRate).toFixed(1).padStart(4)}x`)
  await engine.close()
  if (!agree) process.exit(1)
}

await main()

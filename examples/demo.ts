/**
 * The demo (`npm start`): a login storm of TOTP codes from many users, verified in one batch by the
 * built package, three ways: a node:crypto loop (what a careful server writes without otp-wasm),
 * `engine.verifyBatch` on plain objects, and `engine.verifyColumns` on a BatchBuilder, the hot path.
 *
 * Each way is warmed up first (its code compiled, its worker threads started), then timed apart from
 * making its input, in runs that alternate between the ways; the figures are medians. Filling the
 * builder is shown on its own line: a server that keeps its records in columns pays it once per batch.
 */
import { createHmac } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { BatchBuilder, createEngine, randomSecret, type Engine, type TotpVerifyRecord, type VerifyColumnsResult } from 'otp-wasm'

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    users: { type: 'string', default: '100000' },
    threads: { type: 'string' },
    runs: { type: 'string', default: '3' },
    backend: { type: 'string', default: 'auto' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (args.help) {
  console.log('usage: npm start -- [--records N] [--users N] [--threads N] [--runs N] [--backend auto|wasm|js]')
  process.exit(0)
}

const RECORDS = Number(args.records)
const USERS = Math.min(Number(args.users), RECORDS)
const RUNS = Number(args.runs)
const PERIOD = 30
const NOW = Math.floor(Date.now() / 1000)
/** The node:crypto loop times a sample: its rate does not depend on the batch's size. */
const SAMPLE = Math.min(RECORDS, 50_000)

/** How the storm's codes were typed: mostly on time, some a step late or early, some wrong. */
const MIX = [
  { share: 0.85, shift: 0 },
  { share: 0.07, shift: -1 },
  { share: 0.03, shift: 1 },
  { share: 0.03, shift: -3 },
  { share: 0.02, shift: null },
] as const

function shiftOf(i: number): number | null {
  let x = ((i * 2654435761) >>> 0) / 2 ** 32
  for (const { share, shift } of MIX) {
    if (x < share) return shift
    x -= share
  }
  return 0
}

/** The storm as plain objects, and the same records in columns for the builder. */
interface Storm {
  records: TotpVerifyRecord[]
  keyBytes: Uint8Array
  keyOffsets: Uint32Array
  columns: { keys: Uint32Array; codes: string[]; times: Float64Array }
}

async function makeStorm(engine: Engine): Promise<Storm> {
  const secrets = Array.from({ length: USERS }, () => randomSecret(20))
  const shifts = Array.from({ length: RECORDS }, (_, i) => shiftOf(i))
  const codes = await engine.generateBatch(shifts.map((shift, i) => ({ secret: secrets[i % USERS]!, time: NOW + (shift ?? 7) * PERIOD })))
  const typed = shifts.map((shift, i) => {
    const code = codes[i] as string
    // A mistyped code: the right one with its last digit changed.
    return shift === null ? code.slice(0, 5) + String((Number(code[5]) + 1) % 10) : code
  })
  const records = typed.map((code, i) => ({ secret: secrets[i % USERS]!, code, time: NOW, period: PERIOD, window: 1 }))
  const keyBytes = new Uint8Array(USERS * 20)
  secrets.forEach((secret, u) => keyBytes.set(secret, u * 20))
  return {
    records,
    keyBytes,
    keyOffsets: Uint32Array.from({ length: USERS + 1 }, (_, u) => u * 20),
    columns: { keys: Uint32Array.from({ length: RECORDS }, (_, i) => i % USERS), codes: typed, times: new Float64Array(RECORDS).fill(NOW) },
  }
}

/** What a careful verifier writes with node:crypto: the three HMACs of window ±1, closest first. */
function nodeCryptoVerify(record: TotpVerifyRecord): number | null {
  const step = Math.floor(record.time! / PERIOD)
  for (const delta of [0, -1, 1]) {
    const message = Buffer.alloc(8)
    message.writeBigUInt64BE(BigInt(step + delta))
    const mac = createHmac('sha1', record.secret as Uint8Array)
      .update(message)
      .digest()
    const offset = mac[mac.length - 1]! & 15
    if (String((mac.readUInt32BE(offset) & 0x7fffffff) % 1e6).padStart(6, '0') === record.code) return delta
  }
  return null
}

/** Seconds taken by `work`. */
async function timed(work: () => unknown): Promise<number> {
  const start = process.hrtime.bigint()
  await work()
  return Number(process.hrtime.bigint() - start) / 1e9
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!
const rate = (perSecond: number): string =>
  perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M/s` : `${(perSecond / 1e3).toFixed(0)} k/s`

async function main(): Promise<void> {
  const threads = args.threads ? Number(args.threads) : availableParallelism()
  const engine = await createEngine({ backend: args.backend as 'auto', threads })
  console.log(`otp-wasm demo: ${RECORDS.toLocaleString('en')} TOTP codes from ${USERS.toLocaleString('en')} users, window ±1`)
  console.log(`engine: ${engine.backend}, ${engine.threads} thread(s); each way warmed up, then the median of ${RUNS} runs\n`)
  const storm = await makeStorm(engine)

  // The builder is made once and refilled for each run (reset), as a server reuses its own.
  const builder = new BatchBuilder({ records: RECORDS, keys: USERS, keyBytes: storm.keyBytes.length })
  const fill = (): void => {
    builder.reset()
    builder.addKeys(storm.keyBytes, storm.keyOffsets)
    builder.addTotpColumns(storm.columns, { period: PERIOD, window: 1 })
  }

  let objects: Array<number | null | Error> = []
  let columns: VerifyColumnsResult | undefined
  const sample: Array<number | null> = new Array(SAMPLE)
  const ways = {
    loop: () => {
      for (let i = 0; i < SAMPLE; i++) sample[i] = nodeCryptoVerify(storm.records[i]!)
    },
    objects: async () => (objects = await engine.verifyBatch(storm.records)),
    fill,
    columns: async () => (columns = await engine.verifyColumns(builder)),
  }
  const seconds: Record<keyof typeof ways, number[]> = { loop: [], objects: [], fill: [], columns: [] }
  fill()
  for (const work of Object.values(ways)) await work() // the warm-up, untimed
  for (let run = 0; run < RUNS; run++) {
    const order = Object.keys(ways) as Array<keyof typeof ways>
    // fill must come right before columns: alternate the order of the three ways around that pair.
    const rounds = run % 2 ? [order[2]!, order[3]!, order[1]!, order[0]!] : order
    for (const way of rounds) seconds[way].push(await timed(ways[way]))
  }

  // Every way gives the same answer on every record it saw.
  let agree = true
  for (let i = 0; i < RECORDS; i++) {
    const delta = objects[i]
    if ((columns!.status[i] === 1 ? columns!.delta[i] : null) !== delta) agree = false
    if (i < SAMPLE && sample[i] !== delta) agree = false
  }
  const counts = new Map<string, number>()
  for (const delta of objects) {
    const outcome = typeof delta === 'number' ? (delta === 0 ? 'on time' : `a step ${delta < 0 ? 'late' : 'early'}`) : 'rejected'
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1)
  }
  console.log(`outcomes: ${[...counts].map(([outcome, n]) => `${outcome} ${n.toLocaleString('en')}`).join(', ')}`)
  console.log(`the three ways agree on every record: ${agree ? 'yes' : 'NO'}\n`)

  const loop = SAMPLE / median(seconds.loop)
  const row = (name: string, perSecond: number): string =>
    `  ${name.padEnd(40)} ${rate(perSecond).padStart(10)} ${`${(perSecond / loop).toFixed(1)}x`.padStart(8)}`
  const fillSeconds = median(seconds.fill)
  const columnsSeconds = median(seconds.columns)
  console.log(`  ${'way'.padEnd(40)} ${'records/s'.padStart(10)} ${'vs loop'.padStart(8)}`)
  console.log(row('node:crypto loop, 1 thread', loop))
  console.log(row('verifyBatch, plain objects', RECORDS / median(seconds.objects)))
  console.log(row('verifyColumns, builder filled', RECORDS / columnsSeconds))
  console.log(row('verifyColumns, filling included', RECORDS / (fillSeconds + columnsSeconds)))
  console.log(
    `\nfilling the BatchBuilder took ${(fillSeconds * 1000).toFixed(0)} ms; the loop was timed on ${SAMPLE.toLocaleString('en')} records.`,
  )
  await engine.close()
  if (!agree) process.exitCode = 1
}

await main()

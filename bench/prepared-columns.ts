/**
 * verifyColumns over prepared keys against node:crypto, on one core: `npx tsx bench/prepared-columns.ts`.
 *
 * A login storm as a server that keeps a Totp object per user would check it: RECORDS TOTP records
 * (default 1,000,000) over KEYS users (default 10,000), each user's key added to the BatchBuilder as
 * its Totp (its HMAC midstates, no key setup), codes checked with a window of 1, on an engine with
 * threads: 1. Against it, a node:crypto loop checking the same records the way bench/prepared.ts
 * does: three createHmac codes per record, compared as strings. node:crypto is timed on a sample of
 * NODE_RECORDS records (default 50,000; the same records, from the first) and scaled per record.
 *
 * verifyColumns is timed alone (the builder filled before), and so is the whole of a batch (a new
 * builder, addKey of every Totp, addTotpColumns, verifyColumns). Rounds interleave the two sides;
 * each figure is the median of the rounds' ratios. Every answer is checked against node:crypto first.
 */
import { BatchBuilder, Totp, createEngine } from '../src/index.js'
import { collectGarbage } from './src/clean-heap.js'
import { nodeHotp } from './src/node-hotp.js'

const RECORDS = Number(process.env.RECORDS ?? 1_000_000)
const KEYS = Number(process.env.KEYS ?? 10_000)
const NODE_RECORDS = Math.min(RECORDS, Number(process.env.NODE_RECORDS ?? 50_000))
const ROUNDS = Number(process.env.ROUNDS ?? 5)
const TARGET = 25

const randomBytes = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n))
const keys = Array.from({ length: KEYS }, () => randomBytes(20))
const totps = keys.map((key) => new Totp(key))

function nodeVerify(key: Uint8Array, code: string, step: number): boolean {
  let found = false
  for (let d = -1; d <= 1; d++) found = nodeHotp(key, step + d) === code || found
  return found
}

// Record i: user i % KEYS at a time of its own; a quarter of the codes are wrong, the rest sit at
// -1, 0 or +1 step (every window is computed whole either way).
const TIME = 1_700_000_000
const keyOf = new Uint32Array(RECORDS)
const times = new Float64Array(RECORDS)
const codes: string[] = new Array(RECORDS)
for (let i = 0; i < RECORDS; i++) {
  const k = i % KEYS
  keyOf[i] = k
  times[i] = TIME + 30 * (i % 97)
  const step = Math.floor(times[i]! / 30)
  codes[i] = i % 4 === 3 ? '000000' : nodeHotp(keys[k]!, step + (i % 3) - 1)
}

const engine = await createEngine({ threads: 1 })
console.log(`backend ${engine.backend}, node ${process.version}, ${RECORDS} records over ${KEYS} prepared keys, window 1, one core`)

function fill(batch: BatchBuilder): void {
  const first = totps.map((totp) => batch.addKey(totp))[0]!
  batch.addTotpColumns({ keys: first === 0 ? keyOf : keyOf.map((k) => k + first), codes, times }, { window: 1 })
}

// Same answers first: every record against node:crypto.
const filled = new BatchBuilder({ records: RECORDS, keys: KEYS, keyBytes: KEYS * 128 })
fill(filled)
{
  const { status } = await engine.verifyColumns(filled)
  for (let i = 0; i < RECORDS; i++) {
    const want = nodeVerify(keys[keyOf[i]!]!, codes[i]!, Math.floor(times[i]! / 30))
    if ((status[i] === 1) !== want) throw new Error(`record ${i}: verifyColumns disagrees with node:crypto`)
  }
}

let sink = 0
async function timeColumns(): Promise<number> {
  collectGarbage()
  const start = process.hrtime.bigint()
  const { status } = await engine.verifyColumns(filled)
  const ns = Number(process.hrtime.bigint() - start)
  sink += status[0]!
  return ns / RECORDS
}
async function timeWhole(): Promise<number> {
  collectGarbage()
  const start = process.hrtime.bigint()
  const batch = new BatchBuilder({ records: RECORDS, keys: KEYS, keyBytes: KEYS * 128 })
  fill(batch)
  const { status } = await engine.verifyColumns(batch)
  const ns = Number(process.hrtime.bigint() - start)
  batch.wipe()
  sink += status[0]!
  return ns / RECORDS
}
function timeNode(): number {
  collectGarbage()
  const start = process.hrtime.bigint()
  for (let i = 0; i < NODE_RECORDS; i++) sink += nodeVerify(keys[keyOf[i]!]!, codes[i]!, Math.floor(times[i]! / 30)) ? 1 : 0
  return Number(process.hrtime.bigint() - start) / NODE_RECORDS
}

// Warm each side, then interleave.
await timeColumns()
await timeWhole()
timeNode()
const columns: number[] = []
const whole: number[] = []
const node: number[] = []
for (let round = 0; round < ROUNDS; round++) {
  columns.push(await timeColumns())
  const n = timeNode()
  node.push(n)
  whole.push(await timeWhole())
}
const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[xs.length >> 1]!
const ratio = (ours: number[]) => median(ours.map((x, i) => node[i]! / x))
const nodeNs = median(node)
const line = (name: string, ours: number[], target?: number) => {
  const r = ratio(ours)
  const met = target === undefined ? '' : `  (target ${target}x${r >= target ? ', met' : ', NOT met'})`
  console.log(
    `${name.padEnd(28)} ${median(ours).toFixed(1).padStart(7)} ns/record   node:crypto ${nodeNs.toFixed(0).padStart(6)} ns/record   ${r.toFixed(1).padStart(5)}x${met}`,
  )
}
line('verifyColumns (prepared)', columns, TARGET)
line('build + verifyColumns', whole)
await engine.close()
if (sink === 0.5) console.log(sink)

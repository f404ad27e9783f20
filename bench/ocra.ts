/**
 * OCRA (RFC 6287) against node:crypto: `npx tsx bench/ocra.ts`.
 *
 * Two workloads, each as a ratio to a node:crypto createHmac loop doing the same work (the same
 * keys, questions and codes, the same answers):
 *   1. ocra(suite, key, { question }) one code at a time, OCRA-1:HOTP-SHA1-6:QN08
 *      vs createHmac over the message laid out in a reused buffer
 *   2. engine.verifyBatch of RECORDS QN08 records with distinct keys, on one thread (threads: 1)
 *      vs a createHmac loop over the same records
 * The loops are interleaved in one process, round after round, so that a slow moment of the machine
 * falls on both sides of a ratio; each figure is the median of the rounds' ratios. Every loop is
 * checked against the others' answers first.
 */
import { createHmac } from 'node:crypto'
import { createEngine, defaultBackend, ocra } from '../src/index.js'

const ROUNDS = Number(process.env.ROUNDS ?? 7)
// Single-code rounds are short, and their ratios scatter (2.7x to 3.5x in one run on this machine,
// as garbage collection falls in one loop or the other): three times as many rounds cost 3 seconds.
const SINGLE_ROUNDS = Number(process.env.SINGLE_ROUNDS ?? 3 * ROUNDS)
const CALLS = Number(process.env.CALLS ?? 50_000)
const RECORDS = Number(process.env.RECORDS ?? 1_000_000)
const SUITE = 'OCRA-1:HOTP-SHA1-6:QN08'

const randomBytes = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n))
const questionOf = (i: number) => String((i * 7919 + 12345678) % 100_000_000).padStart(8, '0')

/** The node:crypto side: the RFC 6287 message in one reused buffer, a createHmac per code. */
const prefix = Buffer.from(`${SUITE}\0`, 'ascii')
const message = Buffer.alloc(prefix.length + 128)
prefix.copy(message)
function nodeOcra(key: Uint8Array, question: string): string {
  message.fill(0, prefix.length)
  const hex = Number(question).toString(16)
  message.write(hex.length % 2 ? `${hex}0` : hex, prefix.length, 'hex')
  const mac = createHmac('sha1', key).update(message).digest()
  const value = mac.readUInt32BE(mac[19]! & 0xf) & 0x7fffffff
  return String(value % 1_000_000).padStart(6, '0')
}

function time(body: () => void): number {
  const start = process.hrtime.bigint()
  body()
  return Number(process.hrtime.bigint() - start) / 1e9
}

async function timeAsync(body: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint()
  await body()
  return Number(process.hrtime.bigint() - start) / 1e9
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function main(): Promise<void> {
  // 1. Single codes.
  const keys = Array.from({ length: 64 }, () => randomBytes(20))
  for (let i = 0; i < 1000; i++) {
    const key = keys[i % keys.length]!
    if (ocra(SUITE, key, { question: questionOf(i) }) !== nodeOcra(key, questionOf(i))) throw new Error(`single code ${i} disagrees`)
  }
  let sink = 0
  const singleRatios: number[] = []
  let singleRate = 0
  for (let round = 0; round < SINGLE_ROUNDS; round++) {
    const ours = time(() => {
      for (let i = 0; i < CALLS; i++) sink += ocra(SUITE, keys[i & 63]!, { question: questionOf(i) }).length
    })
    const theirs = time(() => {
      for (let i = 0; i < CALLS; i++) sink += nodeOcra(keys[i & 63]!, questionOf(i)).length
    })
    singleRatios.push(theirs / ours)
    singleRate = CALLS / ours
  }

  // 2. A batch of distinct keys on one thread.
  const engine = await createEngine({ threads: 1 })
  const records = Array.from({ length: RECORDS }, (_, i) => {
    const secret = randomBytes(20)
    const question = questionOf(i)
    // One record in ten has a wrong code.
    const code = i % 10 === 9 ? '000000' : nodeOcra(secret, question)
    return { suite: SUITE, secret, code, question }
  })
  const expected = records.map((r) => (nodeOcra(r.secret, r.question) === r.code ? 0 : null))
  const check = await engine.verifyBatch(records)
  for (let i = 0; i < RECORDS; i++) if (check[i] !== expected[i]) throw new Error(`batch record ${i} disagrees`)
  const batchRatios: number[] = []
  let batchRate = 0
  for (let round = 0; round < ROUNDS; round++) {
    const ours = await timeAsync(() => engine.verifyBatch(records))
    const theirs = time(() => {
      const out = new Array<number | null>(RECORDS)
      for (let i = 0; i < RECORDS; i++) {
        const r = records[i]!
        out[i] = nodeOcra(r.secret, r.question) === r.code ? 0 : null
      }
      sink += out.length
    })
    batchRatios.push(theirs / ours)
    batchRate = RECORDS / ours
  }
  await engine.close()

  const fmt = (n: number) => `${n.toFixed(2)}x`
  console.log(
    `backend ${defaultBackend()}, ${SINGLE_ROUNDS} and ${ROUNDS} interleaved rounds, median ratio to node:crypto (higher is better)`,
  )
  console.log(
    `single ocra() ${SUITE}: ${fmt(median(singleRatios))} (rounds ${singleRatios.map(fmt).join(' ')}; last ${(singleRate / 1e3).toFixed(0)} k codes/s)`,
  )
  console.log(
    `verifyBatch ${RECORDS.toLocaleString('en')} QN08 records, distinct keys, 1 thread: ${fmt(median(batchRatios))} (rounds ${batchRatios.map(fmt).join(' ')}; last ${(batchRate / 1e6).toFixed(2)} M records/s)`,
  )
  if (sink === 0) console.log('')
}

await main()

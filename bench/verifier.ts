/**
 * The stateful verifier against node:crypto: `npx tsx bench/verifier.ts` (needs redis-server on PATH
 * for the Redis figure; STORES=memory,sqlite to leave it out).
 *
 *   1. verifier.verifyMany over TOKENS TOTP tokens (one fresh code each, key cache warm) on the
 *      memory store, SQLite (a file in the temp directory) and a redis-server of its own on a free
 *      loopback port, against a node:crypto loop that only checks each code's three HMACs (window 1:
 *      steps t-1, t, t+1, createHmac each) and keeps no state at all.
 *   2. One verifier.verify() at a time on the memory store, key cache warm, against a bare
 *      verifyTotp(base32Secret, code) call.
 * The loops are interleaved round after round, so that a slow moment of the shared machine falls on
 * both sides of a ratio; each figure is the median of the rounds' ratios, with their spread (min-max).
 * Ratios are given by this process's CPU time (steady on a loaded machine; it leaves out the
 * redis-server's own work) and by wall-clock time (which counts waiting on the store).
 * The node:crypto loop is also timed before any store is filled: beside 100,000s of stored tokens its
 * garbage costs more to collect, which the interleaved ratios include and the clean figure does not.
 * A ratio above 1 means the verifier is faster; for 2 it is the verifier's time over verifyTotp's.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { base32Encode } from '../src/core/base32.js'
import { createEngine, randomSecret, totp, verifyTotp } from '../src/index.js'
import {
  createMemoryStore,
  createRedisStore,
  createSqliteStore,
  createVerifier,
  type TokenStore,
  type Verifier,
} from '../src/verifier/index.js'

const TOKENS = Number(process.env.TOKENS ?? 100_000)
const ROUNDS = Number(process.env.ROUNDS ?? 5)
const CALLS = Number(process.env.CALLS ?? 20_000)
const STORES = (process.env.STORES ?? 'memory,sqlite,redis').split(',')

/** A redis-server of our own, persistence off, on a port the kernel hands out. */
async function ownRedis(): Promise<{ url: string; stop: () => void }> {
  const probe = createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as { port: number }
  probe.close()
  await once(probe, 'close')
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'])
  for await (const chunk of child.stdout!) if (String(chunk).includes('Ready to accept connections')) break
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`

let now = 1_700_000_015_000
const secrets = Array.from({ length: TOKENS }, () => randomSecret())
const ids = secrets.map((_, i) => `user-${i}`)
const engine = await createEngine({ threads: 1 })
const dir = mkdtempSync(join(tmpdir(), 'otp-verifier-bench-'))
const redis = STORES.includes('redis') ? await ownRedis() : undefined

const cpuNow = () => {
  const { user, system } = process.cpuUsage()
  return user + system
}

// The node:crypto loop on a heap that holds no store yet: its garbage is cheaper to collect there
// than beside 100,000s of tokens, so the interleaved ratios below flatter the verifier; this one does not.
const cleanUs: number[] = []
for (let round = 0; round < 3; round++) {
  const codes = secrets.map((s) => totp(s, { time: now / 1000 }))
  const start = cpuNow()
  nodeLoop(codes, now / 1000)
  cleanUs.push((cpuNow() - start) / TOKENS)
}

const stores: Array<{ name: string; store: TokenStore }> = []
if (STORES.includes('memory')) stores.push({ name: 'memory', store: createMemoryStore() })
if (STORES.includes('sqlite')) stores.push({ name: 'sqlite', store: await createSqliteStore(join(dir, 'tokens.db')) })
if (redis) stores.push({ name: 'redis', store: await createRedisStore({ url: redis.url, prefix: `bench:${process.pid}:` }) })

const key = randomSecret(32)
const verifiers: Array<{ name: string; verifier: Verifier }> = []
for (const { name, store } of stores) {
  const verifier = createVerifier({ store, engine, key, clock: () => now, keyCache: { size: TOKENS } })
  const enrolled = await verifier.enrollMany(ids.map((tokenId, i) => ({ tokenId, secret: secrets[i]!, params: { type: 'totp' as const } })))
  if (enrolled.some((e) => e instanceof Error)) throw new Error(`${name}: enrolment failed`)
  verifiers.push({ name, verifier })
}

/** The node:crypto side: each code against the HMACs of steps t-1, t, t+1, nothing kept. */
function nodeLoop(codes: string[], time: number): number {
  const step = Math.floor(time / 30)
  const counter = Buffer.alloc(8)
  let matched = 0
  for (let i = 0; i < codes.length; i++) {
    const code = Number(codes[i])
    let found = false
    for (let d = -1; d <= 1; d++) {
      counter.writeUInt32BE(step + d, 4)
      const mac = createHmac('sha1', secrets[i]!).update(counter).digest()
      const offset = mac[19]! & 0xf
      if ((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000 === code) found = true
    }
    if (found) matched++
  }
  return matched
}

const codesAt = (ms: number) => secrets.map((s) => totp(s, { time: ms / 1000 }))

// Warm-up: one round fills every key cache (each token opened once) and lets V8 optimise.
now += 30_000
{
  const codes = codesAt(now)
  const requests = ids.map((tokenId, i) => ({ tokenId, code: codes[i]! }))
  for (const { verifier } of verifiers) await verifier.verifyMany(requests)
  nodeLoop(codes, now / 1000)
}

const ratios = new Map<string, number[]>(verifiers.map(({ name }) => [name, []]))
const cpuRatios = new Map<string, number[]>(verifiers.map(({ name }) => [name, []]))
const cpu = new Map<string, number[]>(verifiers.map(({ name }) => [name, []]))
const nodeUs: number[] = []
for (let round = 0; round < ROUNDS; round++) {
  now += 30_000
  const codes = codesAt(now)
  const requests = ids.map((tokenId, i) => ({ tokenId, code: codes[i]! }))
  for (const { name, verifier } of verifiers) {
    let start = performance.now()
    let cpu0 = cpuNow()
    if (nodeLoop(codes, now / 1000) !== TOKENS) throw new Error('node:crypto loop disagrees')
    const nodeCpu = cpuNow() - cpu0
    const nodeMs = performance.now() - start
    nodeUs.push(nodeCpu / TOKENS)
    cpu0 = cpuNow()
    start = performance.now()
    const results = await verifier.verifyMany(requests)
    const ms = performance.now() - start
    const used = cpuNow() - cpu0
    const accepted = results.filter((r) => !(r instanceof Error) && r.ok).length
    if (accepted !== TOKENS) throw new Error(`${name}: ${accepted} of ${TOKENS} accepted`)
    ratios.get(name)!.push(nodeMs / ms)
    cpuRatios.get(name)!.push(nodeCpu / used)
    cpu.get(name)!.push(used / TOKENS)
  }
}

console.log(
  `verifyMany of ${TOKENS} TOTP tokens, key cache warm (${engine.backend}); node:crypto 3-HMAC loop ${median(nodeUs).toFixed(2)} µs CPU/token ` +
    `interleaved, ${median(cleanUs).toFixed(2)} µs on a heap without the stores`,
)
for (const { name } of verifiers) {
  const r = ratios.get(name)!
  const c = cpuRatios.get(name)!
  console.log(
    `  ${name.padEnd(7)} CPU ${median(c).toFixed(2)}x the node:crypto loop (rounds ${spread(c)}), wall ${median(r).toFixed(2)}x (${spread(r)}); ` +
      `${median(cpu.get(name)!).toFixed(2)} µs CPU/verification in this process (${(median(cleanUs) / median(cpu.get(name)!)).toFixed(2)}x the loop on the clean heap)`,
  )
}

for (const { verifier } of verifiers) await verifier.close()
for (const { store } of stores) await store.close()
verifiers.length = 0
stores.length = 0

// 2. One verify() at a time on the memory store, against verifyTotp(base32, code), once the stores
// of part 1 are gone (a heap holding 100,000s of tokens makes every collection dearer, on both sides).
{
  const single = { verifier: createVerifier({ engine, clock: () => now, keyCache: { size: 1024 } }) }
  await single.verifier.enroll(ids[0]!, secrets[0]!, { type: 'totp' })
  const b32 = base32Encode(secrets[0]!)
  const singleRatios: number[] = []
  const perCall: number[] = []
  for (let round = 0; round < ROUNDS + 2; round++) {
    const codes = Array.from({ length: CALLS }, (_, i) => totp(secrets[0]!, { time: now / 1000 + 30 * (i + 1) }))
    let start = cpuNow()
    let matched = 0
    for (let i = 0; i < CALLS; i++) if (verifyTotp(b32, codes[i]!, { time: now / 1000 + 30 * (i + 1) }) === 0) matched++
    const bare = cpuNow() - start
    start = cpuNow()
    for (let i = 0; i < CALLS; i++) {
      now += 30_000
      if ((await single.verifier.verify(ids[0]!, codes[i]!)).ok) matched++
    }
    const used = cpuNow() - start
    if (matched !== 2 * CALLS) throw new Error('verify() disagrees with verifyTotp')
    if (round >= 2) {
      singleRatios.push(used / bare)
      perCall.push(used / CALLS)
    }
  }
  console.log(
    `verify() on the memory store: ${median(singleRatios).toFixed(2)}x a bare verifyTotp(base32) call in CPU time (rounds ${spread(singleRatios)}), ${median(perCall).toFixed(2)} µs CPU a call`,
  )
  await single.verifier.close()
}
await engine.close()
redis?.stop()
rmSync(dir, { recursive: true, force: true })

#!/usr/bin/env node
// verifyMany against Redis on loopback: 100,000 TOTP tokens, one valid code each, in one call.
// Reports verifications per second, and the store's share of the time: the same reads and
// compare-and-sets, chunk by chunk, with nothing else to do, against verifyMany's whole time (the
// rest is decryption, the engine and the verifier's own work; verifyMany overlaps the two). On a busy
// machine the process gets less than a core: the CPU time a verification costs is the steadier figure.
//
// usage: node bench/verifier-redis.js [--tokens N] [--rounds N] [--batch N] [--threads N] [--cache N] [--url redis://...]
// --cache N keeps up to N opened secrets in memory (the verifier's secretCache): round 1 opens every
// secret, later rounds skip the decryption of the ones kept.
// Without --url it starts its own redis-server on a free loopback port (Debian: apt-get install redis-server).
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { createEngine, randomSecret, totp } from '../dist/index.js'
import { createRedisStore, createVerifier } from '../dist/verifier/index.js'

const { values } = parseArgs({
  options: {
    tokens: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    batch: { type: 'string', default: '512' },
    threads: { type: 'string', default: '1' },
    cache: { type: 'string', default: '0' },
    url: { type: 'string' },
  },
})
const TOKENS = Number(values.tokens)
const ROUNDS = Number(values.rounds)

/** A redis-server of our own, persistence off, on a port the kernel hands out. */
async function ownRedis() {
  const probe = createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address()
  probe.close()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'])
  child.once('error', (error) => {
    console.error(`cannot start redis-server (${error.code}): install it or pass --url`)
    process.exit(2)
  })
  for await (const chunk of child.stdout) if (String(chunk).includes('Ready to accept connections')) break
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') }
}

/** The store's part alone: read every token and write its state back, one chunk at a time. */
// It works on a shadow copy of the tokens: a compare-and-set that is not the verifier's own would
// break the MAC each state carries (the verifier would then refuse the token as tampered with).
async function storeAlone(store, ids, chunk) {
  const start = performance.now()
  for (let i = 0; i < ids.length; i += chunk) {
    const tokens = await store.getMany(ids.slice(i, i + chunk))
    await store.compareAndSetMany(tokens.map((t) => ({ id: t.id, version: t.version, state: t.state })))
  }
  return performance.now() - start
}

const redis = values.url ? { url: values.url, stop() {} } : await ownRedis()
const prefix = `bench:${process.pid}:`
const store = await createRedisStore({ url: redis.url, prefix })
const engine = await createEngine({ threads: Number(values.threads) })
const key = randomSecret(32)
let now = 1_700_000_015_000
const BATCH = Number(values.batch)
const verifier = createVerifier({ store, engine, key, clock: () => now, batchSize: BATCH, secretCache: Number(values.cache) })

const ids = Array.from({ length: TOKENS }, (_, i) => `user-${i}`)
const secrets = ids.map(() => randomSecret())
const enrollStart = performance.now()
for (let i = 0; i < TOKENS; i += 1000) {
  await Promise.all(ids.slice(i, i + 1000).map((id, j) => verifier.enroll(id, secrets[i + j], { type: 'totp' })))
}
console.log(
  `enrolled ${TOKENS} tokens in ${((performance.now() - enrollStart) / 1000).toFixed(2)} s (engine: ${engine.backend}, ${engine.threads} thread(s))`,
)
const shadow = await createRedisStore({ url: redis.url, prefix: `${prefix}shadow:` })
for (let i = 0; i < TOKENS; i += 1000) {
  await Promise.all((await store.getMany(ids.slice(i, i + 1000))).map((token) => shadow.insert(token)))
}

for (let round = 1; round <= ROUNDS; round++) {
  // Each round is a new time step, so every code is fresh and every token is written.
  now += 30_000
  const requests = ids.map((tokenId, i) => ({ tokenId, code: totp(secrets[i], { time: now / 1000 }) }))
  const cpu = process.cpuUsage()
  const start = performance.now()
  const results = await verifier.verifyMany(requests)
  const ms = performance.now() - start
  const { user, system } = process.cpuUsage(cpu)
  const accepted = results.filter((r) => r.ok === true).length
  if (accepted !== TOKENS) throw new Error(`round ${round}: only ${accepted} of ${TOKENS} accepted`)
  const alone = await storeAlone(shadow, ids, BATCH)
  console.log(
    `round ${round}: verifyMany of ${TOKENS} tokens in ${ms.toFixed(0)} ms = ${Math.round((TOKENS / ms) * 1000).toLocaleString('en')} verifications/s ` +
      `(${(((user + system) / 1000 / ms) * 100).toFixed(0)}% of a core in this process, ${((user + system) / TOKENS).toFixed(1)} µs of CPU a verification); ` +
      `the store alone takes ${alone.toFixed(0)} ms, ${((alone / ms) * 100).toFixed(0)}% of that`,
  )
}

// Leave the server as it was.
const cleanup = await createRedisStore({ url: redis.url, prefix })
for (let i = 0; i < TOKENS; i += 5000) await Promise.all(ids.slice(i, i + 5000).map((id) => cleanup.delete(id)))
await cleanup.close()
for (let i = 0; i < TOKENS; i += 5000) await Promise.all(ids.slice(i, i + 5000).map((id) => shadow.delete(id)))
await shadow.close()
await store.close()
await engine.close()
redis.stop()

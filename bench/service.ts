/**
 * The HTTP service against the work under it: `npx tsx bench/service.ts`.
 *
 * 1. POST /v1/verify at 64 connections (autocannon), on SQLite and on Redis: requests/s and p99
 *    latency, each as a ratio to a bare Fastify route answering a constant to the same requests,
 *    measured in the same run on the same machine.
 * 2. POST /v1/verify/batch of LINES NDJSON lines (Redis), end to end through HTTP, as a ratio to
 *    in-process verifier.verifyMany over the same number of verifications on the same store.
 *
 * The servers run as separate processes (`otp serve` from the sources, --log-level warn: one log
 * line per request is the operator's choice, and its cost is the log sink's); autocannon and the
 * batch client run here. Every verification is of a valid code of an HOTP token, each token's codes
 * sent in counter order, so almost every request is accepted and writes its token: the expensive
 * path. The outcomes are read back from /metrics.
 */
import autocannon from 'autocannon'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { hotp } from '../src/index.js'
import { createRedisStore, createSqliteStore, createVerifier, type TokenStore, type VerifyRequest } from '../src/verifier/index.js'
import { startRedis } from '../test/helpers/redis-server.js'

const DURATION = Number(process.env.DURATION ?? 10)
const WARMUP = Number(process.env.WARMUP ?? 5)
const CONNECTIONS = 64
const TOKENS = Number(process.env.TOKENS ?? 2000)
const LINES = Number(process.env.LINES ?? 1_000_000)
const BATCH_TOKENS = 10_000

const dir = mkdtempSync(join(tmpdir(), 'otp-bench-service-'))
const MAIN = new URL('../src/cli/main.ts', import.meta.url).pathname
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const SECRET = Uint8Array.from(randomBytes(20))
const STORE_KEY = Uint8Array.from(randomBytes(32))
const KEY_FILE = join(dir, 'store.key')
writeFileSync(KEY_FILE, `${Buffer.from(STORE_KEY).toString('hex')}\n`, { mode: 0o600 })

const children: ChildProcess[] = []

/** Starts a process that prints `listening on URL` on stderr; resolves to the URL. */
async function startProcess(args: string[], cwd = dir): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
  children.push(child)
  let err = ''
  child.stderr!.setEncoding('utf8')
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: string) => {
      err += chunk
      const match = /listening on (http:\/\/\S+)/.exec(err)
      if (match) resolve(match[1]!)
    })
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${err}`)))
  })
  return { url, child }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  await exited
}

/** A Fastify app with one route answering a constant: what any Fastify route costs here. */
function startConstant() {
  const script = `
    import Fastify from 'fastify'
    const app = Fastify()
    app.post('/v1/verify', async () => ({ ok: true, type: 'hotp', delta: 0, counter: 1 }))
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    process.stderr.write('listening on ' + url + '\\n')
    process.on('SIGTERM', () => app.close())`
  // Run from the package's folder, where 'fastify' resolves.
  return startProcess(['--input-type=module', '-e', script], new URL('..', import.meta.url).pathname)
}

async function apiKey(): Promise<string> {
  const keys = join(dir, 'keys.json')
  const child = spawn(
    process.execPath,
    ['--import', TSX, MAIN, 'apikey', 'create', '--name', 'bench', '--scopes', 'verify,admin', '--file', keys],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  )
  let out = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  await once(child, 'exit')
  return out.trim()
}

/** Enrols `count` HOTP tokens `${prefix}${i}` with SECRET, sealed with STORE_KEY. */
async function enrol(store: TokenStore, prefix: string, count: number): Promise<void> {
  const verifier = createVerifier({ store, key: STORE_KEY })
  for (let start = 0; start < count; start += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, count - start) }, (_, i) => verifier.replace(`${prefix}${start + i}`, SECRET, { type: 'hotp' })),
    )
  }
  await verifier.close()
}

/** Request bodies: token i % tokens with the code of counter i / tokens, so each token's codes come in order. */
function bodies(prefix: string, tokens: number, count: number): string[] {
  const codes = Array.from({ length: Math.ceil(count / tokens) + 1 }, (_, c) => hotp(SECRET, c))
  return Array.from({ length: count }, (_, i) => JSON.stringify({ id: `${prefix}${i % tokens}`, code: codes[Math.floor(i / tokens)] }))
}

interface Run {
  rps: number
  p99: number
  non2xx: number
}

/** Where each server is in the bodies: a later run goes on with fresh codes, never replays. */
const sent = new Map<string, number>()

async function cannon(url: string, key: string, body: string[], duration = DURATION): Promise<Run> {
  let next = sent.get(url) ?? 0
  const result = await autocannon({
    url: `${url}/v1/verify`,
    connections: CONNECTIONS,
    duration,
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: body[next++ % body.length] }) }],
  })
  sent.set(url, next)
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx }
}

async function outcomes(url: string): Promise<string> {
  const text = await (await fetch(`${url}/metrics`)).text()
  return [...text.matchAll(/^otp_verifications_total\{outcome="(\w+)"\} (\d+)/gm)].map((m) => `${m[1]} ${m[2]}`).join(', ')
}

/** Sends `body` to /v1/verify/batch and resolves to the number of answer lines. */
function batch(url: string, key: string, body: Buffer): Promise<{ lines: number; ok: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/verify/batch`,
      { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' } },
      (response) => {
        let lines = 0
        let ok = 0
        let tail = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          const text = tail + chunk
          const cut = text.lastIndexOf('\n')
          const whole = text.slice(0, cut + 1)
          tail = text.slice(cut + 1)
          for (let at = whole.indexOf('\n'); at >= 0; at = whole.indexOf('\n', at + 1)) lines++
          for (let at = whole.indexOf('"ok":true'); at >= 0; at = whole.indexOf('"ok":true', at + 1)) ok++
        })
        response.on('end', () => resolve({ lines, ok }))
        response.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

const ratio = (a: number, b: number) => `${((100 * a) / b).toFixed(0)}%`

async function main() {
  const key = await apiKey()
  const redis = await startRedis()
  const out: string[] = []
  try {
    // The stores, their tokens enrolled here (SQLite's with cheap commits; the server reopens it with full durability).
    const dbPath = join(dir, 'bench.db')
    await enrol(await createSqliteStore(dbPath, { durability: 'normal' }), 'v', TOKENS)
    await enrol(await createRedisStore({ url: redis.url }), 'v', TOKENS)

    const common = [
      '--import',
      TSX,
      MAIN,
      'serve',
      '--port',
      '0',
      '--api-keys',
      join(dir, 'keys.json'),
      '--key-file',
      KEY_FILE,
      '--log-level',
      'warn',
      '--rate-limit',
      '1000000000',
    ]
    const constant = await startConstant()
    const sqlite = await startProcess([...common, '--db', dbPath])
    const redisServer = await startProcess([...common, '--redis', redis.url])
    // The same on Redis without the default cache of prepared keys (each request opens its token's
    // sealed secret), over tokens of its own.
    await enrol(await createRedisStore({ url: redis.url }), 'k', TOKENS)
    const redisUncached = await startProcess([...common, '--redis', redis.url, '--key-cache', '0'])
    const uncachedRequests = bodies('k', TOKENS, 400_000)

    const requests = bodies('v', TOKENS, 400_000)
    // A warm-up round each (the first seconds of a process run code not yet optimized), then the measured ones.
    for (const server of [constant, sqlite, redisServer]) await cannon(server.url, key, requests, WARMUP)
    await cannon(redisUncached.url, key, uncachedRequests, WARMUP)
    const base = await cannon(constant.url, key, requests)
    const onSqlite = await cannon(sqlite.url, key, requests)
    const onRedis = await cannon(redisServer.url, key, requests)
    const onUncached = await cannon(redisUncached.url, key, uncachedRequests)
    const base2 = await cannon(constant.url, key, requests)
    const baseline = { rps: (base.rps + base2.rps) / 2, p99: (base.p99 + base2.p99) / 2 }
    out.push(`POST /v1/verify, ${CONNECTIONS} connections, ${DURATION} s each (${TOKENS} HOTP tokens, valid codes in counter order):`)
    out.push(`  constant Fastify route  ${baseline.rps.toFixed(0).padStart(7)} req/s  p99 ${baseline.p99} ms`)
    out.push(
      `  otp serve, SQLite       ${onSqlite.rps.toFixed(0).padStart(7)} req/s  p99 ${onSqlite.p99} ms  (${ratio(onSqlite.rps, baseline.rps)} of constant; non-2xx ${onSqlite.non2xx}; ${await outcomes(sqlite.url)})`,
    )
    out.push(
      `  otp serve, Redis        ${onRedis.rps.toFixed(0).padStart(7)} req/s  p99 ${onRedis.p99} ms  (${ratio(onRedis.rps, baseline.rps)} of constant; non-2xx ${onRedis.non2xx}; ${await outcomes(redisServer.url)})`,
    )
    out.push(
      `  ... Redis, --key-cache 0 ${onUncached.rps.toFixed(0).padStart(7)} req/s  p99 ${onUncached.p99} ms  (${ratio(onUncached.rps, baseline.rps)} of constant; non-2xx ${onUncached.non2xx}; ${await outcomes(redisUncached.url)})`,
    )
    await stopProcess(constant.child)
    await stopProcess(sqlite.child)
    await stopProcess(redisUncached.child)
    console.log(out.join('\n'))

    // Batches: fresh tokens for each side, the same work on each.
    const redisStore = await createRedisStore({ url: redis.url })
    await enrol(redisStore, 'a', BATCH_TOKENS)
    await enrol(redisStore, 's', BATCH_TOKENS)
    const lines = bodies('s', BATCH_TOKENS, LINES)
    const body = Buffer.from(`${lines.join('\n')}\n`)
    lines.length = 0
    const inProcess: VerifyRequest[] = bodies('a', BATCH_TOKENS, LINES).map((line) => {
      const { id, code } = JSON.parse(line) as { id: string; code: string }
      return { tokenId: id, code }
    })
    const verifier = createVerifier({ store: redisStore, key: STORE_KEY, ownsStore: true })
    let started = performance.now()
    let accepted = 0
    for (let start = 0; start < inProcess.length; start += 65_536) {
      for (const result of await verifier.verifyMany(inProcess.slice(start, start + 65_536)))
        if (!(result instanceof Error) && result.ok) accepted++
    }
    const localSeconds = (performance.now() - started) / 1000
    await verifier.close()
    started = performance.now()
    const answered = await batch(redisServer.url, key, body)
    const httpSeconds = (performance.now() - started) / 1000
    const batchOut = [
      `POST /v1/verify/batch, ${LINES.toLocaleString('en')} NDJSON lines (${BATCH_TOKENS} HOTP tokens, Redis):`,
      `  in-process verifyMany    ${(LINES / localSeconds).toFixed(0).padStart(7)} verifications/s  (${localSeconds.toFixed(2)} s, ${accepted} ok)`,
      `  otp serve, HTTP NDJSON   ${(LINES / httpSeconds).toFixed(0).padStart(7)} verifications/s  (${httpSeconds.toFixed(2)} s, ${answered.lines} lines, ${answered.ok} ok; ${ratio(localSeconds, httpSeconds)} of in-process)`,
    ]
    console.log(batchOut.join('\n'))
    await stopProcess(redisServer.child)
  } finally {
    for (const child of children) await stopProcess(child)
    await redis.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()

/**
 * `otp serve` end to end over SQLite: a real server process, called with curl and with fetch, as an
 * identity provider would. Enrolment, verification with the verifier's outcomes (ok, REPLAYED,
 * LOCKED with until), unlock, resync, the three import formats, removal, NDJSON batches; every bad
 * request a 4xx with its code; the OpenAPI document; metrics; logs free of secrets; SIGTERM.
 */
import SwaggerParser from '@apidevtools/swagger-parser'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { base32Encode, hotp, totp } from '../src/index.js'
import { buildMigrationUris } from '../src/io/migration.js'
import { buildPskc } from '../src/io/pskc/build.js'
import { buildSeedCsv } from '../src/io/seed-csv.js'
import { curl, makeKey, startServer, type ServerProcess } from './helpers/service-process.js'

const dir = mkdtempSync(join(tmpdir(), 'otp-serve-'))
const KEYS = join(dir, 'keys.json')
let server: ServerProcess
let limited: ServerProcess
let wrongKey: ServerProcess
let admin: string
let verifyOnly: string

/** Every secret, code and key the tests send, to look for in the logs afterwards. */
const sent: string[] = []

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
const HOTP_SECRET = Uint8Array.from({ length: 20 }, (_, i) => i + 1)

beforeAll(async () => {
  admin = await makeKey(dir, KEYS, 'admin', 'verify,admin')
  verifyOnly = await makeKey(dir, KEYS, 'idp', 'verify')
  sent.push(admin, verifyOnly, SECRET, base32Encode(HOTP_SECRET))
  // The database and its key first, then a second service over the same file with another key.
  // With a key cache: every answer below must be the same as without one (the fleet tests run without).
  server = await startServer(['--port', '0', '--db', join(dir, 'tokens.db'), '--api-keys', KEYS, '--key-cache', '1000'], dir)
  writeFileSync(join(dir, 'wrong.key'), `${'ab'.repeat(32)}\n`, { mode: 0o600 })
  ;[limited, wrongKey] = await Promise.all([
    startServer(['--port', '0', '--db', join(dir, 'limited.db'), '--api-keys', KEYS, '--rate-limit', '3'], dir),
    startServer(['--port', '0', '--db', join(dir, 'tokens.db'), '--key-file', join(dir, 'wrong.key'), '--api-keys', KEYS], dir),
  ])
})

afterAll(async () => {
  await server?.stop('SIGKILL')
  await limited?.stop('SIGKILL')
  await wrongKey?.stop('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

/** A JSON call with fetch. */
async function call(method: string, path: string, body?: unknown, key: string | null = admin) {
  const headers: Record<string, string> = {}
  if (key !== null) headers.authorization = `Bearer ${key}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(server.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await response.text()
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) }
}

/** curl with the admin key and a JSON body. */
function curlJson(path: string, body: string, key = admin, extra: string[] = []) {
  return curl(
    [
      '-X',
      'POST',
      `${server.url}${path}`,
      '-H',
      `authorization: Bearer ${key}`,
      '-H',
      'content-type: application/json',
      ...extra,
      '--data-binary',
      '@-',
    ],
    body,
  )
}

const verify = (id: string, code: string) => {
  sent.push(code)
  return call('POST', '/v1/verify', { id, code }, verifyOnly)
}

describe('otp serve: tokens and verification', () => {
  it('answers /healthz and /readyz', async () => {
    expect(await call('GET', '/healthz', undefined, null)).toEqual({ status: 200, json: { status: 'ok' } })
    expect(await call('GET', '/readyz', undefined, null)).toEqual({ status: 200, json: { status: 'ready' } })
  })

  it('enrols with a server-made secret, answering the URI and the QR code once; inspection shows no secret', async () => {
    const answer = await curlJson('/v1/tokens', JSON.stringify({ id: 'carol', issuer: 'ACME', qr: true }))
    expect(answer.status).toBe(201)
    expect(answer.json.token).toMatchObject({ id: 'carol', type: 'totp', algorithm: 'SHA1', digits: 6, period: 30, failures: 0 })
    const uri = new URL(answer.json.uri)
    const secret = uri.searchParams.get('secret')!
    sent.push(secret)
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(answer.json.qrSvg).toMatch(/^<svg/)
    expect((await verify('carol', totp(secret))).json).toMatchObject({ ok: true, type: 'totp' })
    const inspected = await curl([`${server.url}/v1/tokens/carol`, '-H', `authorization: Bearer ${admin}`])
    expect(inspected.status).toBe(200)
    expect(inspected.body).not.toContain(secret)
    expect(Object.keys(inspected.json).sort()).toEqual([
      'algorithm',
      'digits',
      'drift',
      'failures',
      'id',
      'lastStep',
      'lockedUntil',
      'period',
      't0',
      'type',
    ])
  })

  it('verifies with the verifier semantics: ok with delta, then REPLAYED; an existing id is 409 TOKEN_EXISTS', async () => {
    expect((await call('POST', '/v1/tokens', { id: 'alice', secret: SECRET })).status).toBe(201)
    const code = totp(SECRET)
    expect(await verify('alice', code)).toMatchObject({ status: 200, json: { ok: true, delta: 0, type: 'totp' } })
    expect(await verify('alice', code)).toEqual({ status: 200, json: { ok: false, reason: 'REPLAYED' } })
    expect(await call('POST', '/v1/tokens', { id: 'alice', secret: SECRET })).toMatchObject({
      status: 409,
      json: { error: { code: 'TOKEN_EXISTS' } },
    })
    expect(await verify('nobody', '123456')).toMatchObject({ status: 404, json: { error: { code: 'UNKNOWN_TOKEN' } } })
  })

  it('locks a token after repeated failures (LOCKED with until), unlocks it, and resyncs an HOTP token', async () => {
    const secret = base32Encode(HOTP_SECRET)
    expect((await call('POST', '/v1/tokens', { id: 'hw', type: 'hotp', secret, counter: 0 })).status).toBe(201)
    expect((await verify('hw', hotp(HOTP_SECRET, 0))).json).toEqual({ ok: true, type: 'hotp', delta: 0, counter: 0 })
    const wrong = hotp(HOTP_SECRET, 500)
    for (let i = 1; i <= 4; i++) expect((await verify('hw', wrong)).json).toEqual({ ok: false, reason: 'INVALID', failures: i })
    const fifth = (await verify('hw', wrong)).json
    expect(fifth).toMatchObject({ ok: false, reason: 'INVALID', failures: 5 })
    expect(fifth.until).toBeGreaterThan(Date.now())
    expect((await verify('hw', hotp(HOTP_SECRET, 1))).json).toEqual({ ok: false, reason: 'LOCKED', until: fifth.until })
    expect((await call('POST', '/v1/tokens/hw/resync', { codes: [hotp(HOTP_SECRET, 1), hotp(HOTP_SECRET, 2)] })).json).toEqual({
      ok: false,
      reason: 'LOCKED',
      until: fifth.until,
    })
    const unlocked = await call('POST', '/v1/tokens/hw/unlock')
    expect(unlocked).toMatchObject({ status: 200, json: { id: 'hw', failures: 0, lockedUntil: 0, counter: 1 } })
    const codes = [hotp(HOTP_SECRET, 300), hotp(HOTP_SECRET, 301)]
    sent.push(...codes)
    expect((await call('POST', '/v1/tokens/hw/resync', { codes })).json).toEqual({ ok: true, type: 'hotp', counter: 302 })
    expect((await verify('hw', hotp(HOTP_SECRET, 302))).json).toMatchObject({ ok: true, counter: 302 })
  })

  it('imports PSKC (with its password), a transfer URI and a seed CSV, then verifies the imported tokens', async () => {
    const token = (n: number) => ({
      type: 'hotp' as const,
      secret: Uint8Array.from({ length: 20 }, (_, i) => i * n),
      account: `user${n}`,
      algorithm: 'SHA1' as const,
      digits: 6,
      counter: 0,
      serial: `SN${n}`,
    })
    const pskc = buildPskc([token(3), token(4)], { password: 'import-pass' })
    sent.push('import-pass')
    const imported = await curlJson(
      '/v1/tokens/import',
      JSON.stringify({ format: 'pskc', data: pskc, password: 'import-pass', prefix: 'pskc:' }),
    )
    expect(imported.status).toBe(200)
    expect(imported.json).toEqual({
      imported: 2,
      failed: 0,
      tokens: [
        { ok: true, id: 'pskc:SN3', type: 'hotp' },
        { ok: true, id: 'pskc:SN4', type: 'hotp' },
      ],
    })
    expect((await verify('pskc:SN4', hotp(token(4).secret, 0))).json).toMatchObject({ ok: true })
    const again = await curlJson(
      '/v1/tokens/import',
      JSON.stringify({ format: 'pskc', data: pskc, password: 'import-pass', prefix: 'pskc:' }),
    )
    expect(again.json).toMatchObject({
      imported: 0,
      failed: 2,
      tokens: [{ ok: false, id: 'pskc:SN3', error: { code: 'TOKEN_EXISTS' } }, { ok: false }],
    })
    const replaced = await call('POST', '/v1/tokens/import', {
      format: 'pskc',
      data: pskc,
      password: 'import-pass',
      prefix: 'pskc:',
      replace: true,
    })
    expect(replaced.json).toMatchObject({ imported: 2, failed: 0 })
    const wrongPassword = await curlJson('/v1/tokens/import', JSON.stringify({ format: 'pskc', data: pskc, password: 'not-it' }))
    expect(wrongPassword).toMatchObject({ status: 400, json: { error: { code: 'DECRYPTION_FAILED' } } })

    const [migration] = buildMigrationUris([
      { ...token(5), type: 'totp', counter: undefined, serial: undefined, period: 30, issuer: 'ACME', account: 'dave' },
    ])
    expect((await call('POST', '/v1/tokens/import', { format: 'migration', data: migration })).json).toEqual({
      imported: 1,
      failed: 0,
      tokens: [{ ok: true, id: 'ACME:dave', type: 'totp' }],
    })
    expect((await verify('ACME:dave', totp(token(5).secret))).json).toMatchObject({ ok: true })

    const csv = buildSeedCsv([{ ...token(6), serial: undefined, id: 'csv-6' }])
    expect((await call('POST', '/v1/tokens/import', { format: 'csv', data: csv })).json).toMatchObject({
      imported: 1,
      tokens: [{ id: 'csv-6' }],
    })
    expect((await verify('csv-6', hotp(token(6).secret, 0))).json).toMatchObject({ ok: true })
    expect((await call('POST', '/v1/tokens/import', { format: 'csv', data: 'no,secret\n1,2\n' })).json).toMatchObject({
      error: { code: 'INVALID_CSV' },
    })
  })

  it('removes a token: 204, then 404 UNKNOWN_TOKEN', async () => {
    expect((await call('DELETE', '/v1/tokens/csv-6')).status).toBe(204)
    expect(await call('DELETE', '/v1/tokens/csv-6')).toMatchObject({ status: 404, json: { error: { code: 'UNKNOWN_TOKEN' } } })
    expect(await call('GET', '/v1/tokens/csv-6')).toMatchObject({ status: 404, json: { error: { code: 'UNKNOWN_TOKEN' } } })
  })

  it('streams NDJSON batches in order, one answer per line, bad lines answered alone', async () => {
    const secret = Uint8Array.from({ length: 20 }, (_, i) => 200 - i)
    for (let i = 0; i < 30; i++)
      expect((await call('POST', '/v1/tokens', { id: `b${i}`, type: 'hotp', secret: base32Encode(secret) })).status).toBe(201)
    const lines: string[] = []
    for (let i = 0; i < 30; i++) lines.push(JSON.stringify({ id: `b${i}`, code: hotp(secret, i % 3) }))
    lines.splice(
      10,
      0,
      'not json',
      '',
      JSON.stringify({ id: 'b1', code: '1', extra: true }),
      JSON.stringify({ id: 'ghost', code: '123456' }),
    )
    const answer = await curl(
      [
        '-X',
        'POST',
        `${server.url}/v1/verify/batch`,
        '-H',
        `authorization: Bearer ${verifyOnly}`,
        '-H',
        'content-type: application/x-ndjson',
        '--data-binary',
        '@-',
      ],
      lines.join('\n'),
    )
    expect(answer.status).toBe(200)
    const results = answer.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(results).toHaveLength(33)
    expect(results.slice(10, 13)).toEqual([
      { error: { code: 'INVALID_RECORD', message: 'line 11 is not valid JSON' } },
      { error: { code: 'INVALID_RECORD', message: 'line 13 has an unknown field "extra"' } },
      { error: { code: 'UNKNOWN_TOKEN', message: 'no token with id "ghost" is enrolled' } },
    ])
    const verified = [...results.slice(0, 10), ...results.slice(13)]
    verified.forEach((result, i) => expect(result).toMatchObject({ ok: true, delta: i % 3, counter: i % 3 }))
    const asJson = await curl([
      '-X',
      'POST',
      `${server.url}/v1/verify/batch`,
      '-H',
      `authorization: Bearer ${verifyOnly}`,
      '-H',
      'content-type: application/json',
      '-d',
      '{"id": "b1", "code": "123456"}',
    ])
    expect(asJson).toMatchObject({ status: 415, json: { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } } })
  })
})

describe('otp serve: bad requests are 4xx with a code', () => {
  const cases: Array<[string, string[], string | undefined, number, string]> = [
    ['malformed JSON', ['-H', 'content-type: application/json'], '{"id": "alice", "code": "12', 400, 'INVALID_JSON'],
    ['a wrong type', ['-H', 'content-type: application/json'], '{"id": "alice", "code": 123456}', 400, 'INVALID_REQUEST'],
    [
      'an unknown field',
      ['-H', 'content-type: application/json'],
      '{"id": "alice", "code": "123456", "admin": true}',
      400,
      'INVALID_REQUEST',
    ],
    ['a missing field', ['-H', 'content-type: application/json'], '{"id": "alice"}', 400, 'INVALID_REQUEST'],
    [
      'a huge body',
      ['-H', 'content-type: application/json'],
      JSON.stringify({ id: 'alice', code: 'x'.repeat(200_000) }),
      413,
      'BODY_TOO_LARGE',
    ],
    ['another media type', ['-H', 'content-type: text/xml'], '<verify/>', 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ]
  it.each(cases)('%s', async (_name, headers, body, status, code) => {
    const answer = await curl(
      ['-X', 'POST', `${server.url}/v1/verify`, '-H', `authorization: Bearer ${verifyOnly}`, ...headers, '--data-binary', '@-'],
      body,
    )
    expect(answer.status).toBe(status)
    expect(answer.json.error.code).toBe(code)
    expect(answer.json.error.message.length).toBeGreaterThan(10)
    expect(answer.body).not.toContain('stack')
    expect(answer.body).not.toContain('123456')
  })

  it('a missing or wrong API key is 401, a key without the scope 403', async () => {
    const body = JSON.stringify({ id: 'alice', code: '123456' })
    const post = (path: string, auth: string[]) =>
      curl(['-X', 'POST', `${server.url}${path}`, ...auth, '-H', 'content-type: application/json', '--data-binary', '@-'], body)
    expect((await post('/v1/verify', [])).json).toMatchObject({ error: { code: 'UNAUTHORIZED' } })
    expect((await post('/v1/verify', [])).status).toBe(401)
    expect((await post('/v1/verify', ['-H', `authorization: Bearer ${verifyOnly}x`])).status).toBe(401)
    expect((await post('/v1/verify', ['-H', `authorization: Basic ${verifyOnly}`])).status).toBe(401)
    const forbidden = await curl([`${server.url}/v1/tokens/alice`, '-H', `authorization: Bearer ${verifyOnly}`])
    expect(forbidden.status).toBe(403)
    expect(forbidden.json.error.code).toBe('FORBIDDEN')
    expect((await call('DELETE', '/v1/tokens/alice', undefined, verifyOnly)).status).toBe(403)
    expect(await call('GET', '/v1/nowhere')).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND' } } })
  })

  it('limits requests per client (429 RATE_LIMITED) on top of the per-token lockout', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${limited.url}/v1/verify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${verifyOnly}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'nobody', code: '000000' }),
      })
      statuses.push(response.status)
      if (response.status === 429) expect(await response.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } })
    }
    expect(statuses).toEqual([404, 404, 404, 429, 429])
  })

  it('answers 500 DECRYPTION_FAILED, naming the key, when the store key does not open the tokens', async () => {
    const response = await fetch(`${wrongKey.url}/v1/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${verifyOnly}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'alice', code: '123456' }),
    })
    expect(response.status).toBe(500)
    const body = await response.json()
    expect(body.error.code).toBe('DECRYPTION_FAILED')
    expect(body.error.message).toContain('different key')
  })

  it('keeps its API key file at mode 600, holding hashes only', () => {
    expect(statSync(KEYS).mode & 0o777).toBe(0o600)
    const text = readFileSync(KEYS, 'utf8')
    expect(text).not.toContain(admin)
    expect(text).not.toContain(verifyOnly.slice(5))
  })
})

describe('otp serve: operations', () => {
  it('serves an OpenAPI document that validates and lists exactly the routes', async () => {
    const document = (await call('GET', '/openapi.json', undefined, null)).json
    const routes = Object.entries(document.paths as Record<string, object>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    )
    expect(routes.sort()).toEqual(
      [
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
        'GET /openapi.json',
        'POST /v1/tokens',
        'POST /v1/tokens/import',
        'GET /v1/tokens/{id}',
        'DELETE /v1/tokens/{id}',
        'POST /v1/tokens/{id}/unlock',
        'POST /v1/tokens/{id}/resync',
        'POST /v1/verify',
        'POST /v1/verify/batch',
      ].sort(),
    )
    await SwaggerParser.validate(structuredClone(document))
    expect(document.paths['/v1/verify'].post.security).toEqual([{ apiKey: [] }])
  })

  it('exports Prometheus metrics: requests, verifications by outcome, latency', async () => {
    const response = await fetch(`${server.url}/metrics`)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await response.text()
    expect(text).toMatch(/^otp_verifications_total\{outcome="ok"\} \d+/m)
    expect(text).toMatch(/^otp_verifications_total\{outcome="REPLAYED"\} [1-9]/m)
    expect(text).toMatch(/^otp_verifications_total\{outcome="LOCKED"\} [1-9]/m)
    expect(text).toMatch(/^otp_http_requests_total\{method="POST",route="\/v1\/verify",status="401"\} [1-9]/m)
    expect(text).toMatch(/^otp_http_request_duration_seconds_bucket\{le="0.01",method="POST",route="\/v1\/verify"\} \d+/m)
    expect(text).toContain('# TYPE otp_store_errors_total counter')
  })

  it('logs one JSON line per request, with no secret, code or API key in any of them', () => {
    const lines = server
      .log()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines.filter((line) => line.msg === 'answered').length).toBeGreaterThan(50)
    const log = server.log()
    for (const value of sent) expect(log, value.slice(0, 4)).not.toContain(`"${value}"`)
    for (const value of sent) if (value.length > 8) expect(log).not.toContain(value)
    expect(log).not.toContain('stack')
  })

  it('on SIGTERM finishes the request in flight, refuses new work, and exits 0', async () => {
    const secret = Uint8Array.from({ length: 20 }, (_, i) => 7 * i)
    expect((await call('POST', '/v1/tokens', { id: 'slow', type: 'hotp', secret: base32Encode(secret) })).status).toBe(201)
    const url = new URL(`${server.url}/v1/verify/batch`)
    let answer = ''
    const finished = new Promise<number>((resolve, reject) => {
      const req = request(
        url,
        { method: 'POST', headers: { authorization: `Bearer ${verifyOnly}`, 'content-type': 'application/x-ndjson' } },
        (response) => {
          response.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk))
          response.on('end', () => resolve(response.statusCode!))
        },
      )
      req.on('error', reject)
      // Half the lines now, the rest once the server has been told to stop.
      for (let i = 0; i < 100; i++) req.write(`${JSON.stringify({ id: 'slow', code: hotp(secret, i) })}\n`)
      setTimeout(() => {
        void server.stop('SIGTERM').then((code) => (exitCode = code))
        setTimeout(() => {
          for (let i = 100; i < 200; i++) req.write(`${JSON.stringify({ id: 'slow', code: hotp(secret, i) })}\n`)
          req.end()
        }, 500)
      }, 300)
    })
    let exitCode: number | null | undefined
    expect(await finished).toBe(200)
    const results = answer
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(results).toHaveLength(200)
    expect(results.every((result) => result.ok === true)).toBe(true)
    await expect.poll(() => exitCode, { timeout: 10_000 }).toBe(0)
    expect(server.log()).toContain('"msg":"stopped"')
  })
})

/**
 * Each request's logger is made on its first line at an enabled level: at warn, a request that logs
 * nothing makes none; a line that is written still carries the request id and the redaction rules.
 */
import Fastify from 'fastify'
import { Writable } from 'node:stream'
import { describe, expect, it, vi } from 'vitest'
import { lazyChildLogger } from '../src/service/request-log.js'

function app(level: string) {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  const server = Fastify({
    logger: { level, stream, redact: { paths: ['*.secret'], censor: '[redacted]' } },
    childLoggerFactory: lazyChildLogger,
  })
  server.get('/quiet', async (request) => {
    request.log.info({ at: 'quiet' }, 'an info line')
    request.log.debug('a debug line')
    return { ok: true }
  })
  server.get('/loud', async (request) => {
    request.log.info('before')
    request.log.warn({ detail: { secret: 'hunter2' } }, 'something odd')
    request.log.error('and worse')
    return { ok: true }
  })
  return { server, lines }
}

describe('lazyChildLogger', () => {
  it('makes no child logger for requests that write no line at the enabled level', async () => {
    const { server, lines } = app('warn')
    await server.ready()
    const child = vi.spyOn(server.log, 'child')
    for (let i = 0; i < 20; i++) expect((await server.inject('/quiet')).statusCode).toBe(200)
    expect(child).not.toHaveBeenCalled()
    expect(lines.filter((line) => line.msg === 'an info line')).toEqual([])
    await server.close()
  })

  it('writes the lines of enabled levels once made, with the request id, redacted', async () => {
    const { server, lines } = app('warn')
    await server.ready()
    const child = vi.spyOn(server.log, 'child')
    expect((await server.inject('/loud')).statusCode).toBe(200)
    expect(child).toHaveBeenCalledTimes(1)
    const written = lines.filter((line) => line.reqId !== undefined)
    expect(written.map((line) => line.msg)).toEqual(['something odd', 'and worse'])
    expect(new Set(written.map((line) => line.reqId)).size).toBe(1)
    expect(JSON.stringify(written)).not.toContain('hunter2')
    expect(written[0]!.detail).toEqual({ secret: '[redacted]' })
    await server.close()
  })

  it('at info, writes every line as a child logger would', async () => {
    const { server, lines } = app('info')
    expect((await server.inject('/quiet')).statusCode).toBe(200)
    expect(lines.find((line) => line.msg === 'an info line')).toMatchObject({ at: 'quiet', reqId: expect.anything() })
    expect(lines.find((line) => line.msg === 'a debug line')).toBeUndefined()
    await server.close()
  })
})

/**
 * A real redis-server for tests: started on a free loopback port with persistence off, stopped after.
 * Never a mock: without the binary the tests fail and say what to install.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { afterAll, beforeAll } from 'vitest'

export interface RedisServer {
  readonly port: number
  readonly url: string
  stop(): Promise<void>
}

/** A port the kernel just handed out on 127.0.0.1, free again by the time it is returned. */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

/** Starts redis-server (on `port`, else a free one) and resolves once it accepts connections. */
export async function startRedis(port?: number): Promise<RedisServer> {
  port ??= await freePort()
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000)
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(
        error.code === 'ENOENT'
          ? new Error('redis-server is not installed: these tests need a real Redis (Debian: apt-get install -y redis-server)')
          : error,
      )
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited with code ${code} before it was ready:\n${output}`))
    })
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve()
      }
    })
  })
  child.removeAllListeners('exit')
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    },
  }
}

/** One redis-server for the calling test file: started before its tests, stopped after them. */
export function useRedis(): { readonly url: string } {
  let server: RedisServer | undefined
  beforeAll(async () => {
    server = await startRedis()
  })
  afterAll(async () => {
    await server?.stop()
  })
  return {
    get url() {
      if (server === undefined) throw new Error('the Redis server is not started yet: use it inside a test')
      return server.url
    },
  }
}

/**
 * A real 3-master Redis Cluster for tests: three redis-server processes on free loopback ports, in a
 * temporary folder, persistence off, joined with `redis-cli --cluster create` and ready once every
 * node says cluster_state:ok. Stopped (and its folder removed) after. Never a mock: without the
 * binaries the tests fail and say what to install.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from './redis-server.js'

const run = promisify(execFile)

export interface RedisCluster {
  readonly ports: readonly number[]
  /** redis:// URLs of the three masters. */
  readonly urls: readonly string[]
  stop(): Promise<void>
}

/** Cluster nodes also listen on port + 10000 (their bus): pick ports whose bus port is free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort()
    if (port + 10000 > 65535) continue
    const bus = createServer()
    const free = await new Promise<boolean>((resolve) => {
      bus.once('error', () => resolve(false))
      bus.listen(port + 10000, '127.0.0.1', () => resolve(true))
    })
    if (free) {
      bus.close()
      await once(bus, 'close')
      return port
    }
  }
}

function startNode(port: number, dir: string): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    `nodes-${port}.conf`,
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ]
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server (cluster node ${port}) did not start within 10 s:\n${output}`)), 10_000)
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(
        error.code === 'ENOENT'
          ? new Error('redis-server is not installed: these tests need a real Redis (Debian: apt-get install -y redis-server)')
          : error,
      )
    })
    const onEarlyExit = (code: number | null) => {
      clearTimeout(timer)
      reject(new Error(`redis-server (cluster node ${port}) exited with code ${code} before it was ready:\n${output}`))
    }
    child.once('exit', onEarlyExit)
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const onOutput = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        // Done listening: later output (the shutdown's) must not touch the exit listener stopNode adds.
        child.stdout!.off('data', onOutput)
        child.stdout!.resume()
        child.removeListener('exit', onEarlyExit)
        resolve(child)
      }
    }
    child.stdout!.on('data', onOutput)
  })
}

async function stopNode(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  await exited
}

/** Starts the three nodes, creates the cluster and resolves once every node reports cluster_state:ok. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'otp-redis-cluster-'))
  const ports: number[] = []
  const nodes: ChildProcess[] = []
  const stop = async () => {
    await Promise.all(nodes.map(stopNode))
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    for (let i = 0; i < 3; i++) {
      let port = await freeClusterPort()
      while (ports.includes(port)) port = await freeClusterPort()
      ports.push(port)
      nodes.push(await startNode(port, dir))
    }
    await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-yes'], { timeout: 20_000 })
    const deadline = Date.now() + 20_000
    for (;;) {
      const states = await Promise.all(ports.map(async (port) => (await run('redis-cli', ['-p', String(port), 'cluster', 'info'])).stdout))
      if (states.every((info) => info.includes('cluster_state:ok'))) break
      if (Date.now() > deadline) throw new Error(`the Redis Cluster did not reach cluster_state:ok within 20 s:\n${states.join('\n')}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  } catch (error) {
    await stop()
    throw error
  }
  return { ports, urls: ports.map((port) => `redis://127.0.0.1:${port}`), stop }
}

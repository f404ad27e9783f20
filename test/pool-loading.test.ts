/**
 * A pool is ended only once its workers have loaded: Node aborts the whole process when a worker is
 * ended while it is still importing its modules, as a pool closed right after it was made would do.
 */
import { Piscina } from 'piscina'
import { describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { LoadedWorkers } from '../src/pool/loading.js'
import { workerFile } from '../src/pool/worker-file.js'
import { createEngine } from '../src/index.js'

const WORKER = new URL('./helpers/slow-loading-worker.ts', import.meta.url).href

function slowPool(options: { loadMs: number; exitWhileLoading?: boolean }) {
  const loaded = new Int32Array(new SharedArrayBuffer(4))
  const pool = new Piscina({
    filename: WORKER,
    execArgv: ['--import', 'tsx'],
    minThreads: 2,
    maxThreads: 2,
    workerData: { ...options, loaded },
  })
  pool.on('error', () => {})
  return { pool, loaded, workers: new LoadedWorkers(pool) }
}

describe('LoadedWorkers', () => {
  it('waits until every worker has loaded', async () => {
    const { pool, loaded, workers } = slowPool({ loadMs: 300 })
    await workers.all()
    expect(Atomics.load(loaded, 0)).toBe(2)
    await pool.destroy()
  })

  it('answers at once for workers loaded already, and does not wait for a worker that exited while loading', async () => {
    const ready = slowPool({ loadMs: 0 })
    await ready.workers.all()
    expect(Atomics.load(ready.loaded, 0)).toBe(2)
    await ready.workers.all()
    await ready.pool.destroy()

    const failing = slowPool({ loadMs: 50, exitWhileLoading: true })
    await failing.workers.all()
    expect(Atomics.load(failing.loaded, 0)).toBe(0)
    await failing.pool.destroy()
  })

  it('lets an engine be closed right after it was made', async () => {
    for (let i = 0; i < 5; i++) {
      const engine = await createEngine({ threads: 2 })
      await engine.close()
    }
  })
})

describe('workerFile', () => {
  it('starts workers without require(esm), so that Piscina imports the worker module instead', async () => {
    // A worker ended in the last step of a require() of an ES module aborts the process (Node 20.19+).
    const { execArgv } = workerFile('worker', 'file:///x/pool.js')
    const esm = join(mkdtempSync(join(tmpdir(), 'otp-esm-')), 'task.mjs')
    writeFileSync(esm, 'export default () => 1\n')
    const code = `const { parentPort } = require('node:worker_threads'); try { require(${JSON.stringify(esm)}); parentPort.postMessage('required') } catch (e) { parentPort.postMessage(e.code) }`
    const worker = new Worker(code, { eval: true, ...(execArgv ? { execArgv } : {}) })
    const answer = await new Promise((resolve) => worker.once('message', resolve))
    await worker.terminate()
    expect(answer).toBe('ERR_REQUIRE_ESM')
  })
})

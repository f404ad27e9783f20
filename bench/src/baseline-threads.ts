/** Runs the node:crypto baseline loop on several worker threads at once and times the whole. */
import { Worker, type WorkerOptions } from 'node:worker_threads'
import type { BaselineJob } from './baseline-loops.js'

/** Workers holding a prepared baseline job; `run` resolves with the wall-clock seconds of one round. */
export interface BaselineThreads {
  run(): Promise<number>
  close(): Promise<void>
}

function nextMessage(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      worker.off('message', onMessage)
      reject(error)
    }
    const onMessage = (message: unknown): void => {
      worker.off('error', onError)
      resolve(message)
    }
    worker.once('message', onMessage)
    worker.once('error', onError)
  })
}

function expect(message: unknown, wanted: string): void {
  if (message === wanted) return
  const detail = (message as { error?: string } | null)?.error ?? JSON.stringify(message)
  throw new Error(`node:crypto baseline worker: ${detail}`)
}

/**
 * The worker's entry. tsx runs the benchmark from its TypeScript, and a worker thread does not
 * inherit tsx's hooks (nor take them from `--import` in its execArgv, on Node 20): a small script
 * registers them in the worker, then imports baseline-worker.ts.
 */
function workerEntry(job: BaselineJob): [string | URL, WorkerOptions] {
  if (!import.meta.url.endsWith('.ts')) return [new URL('./baseline-worker.js', import.meta.url), { workerData: job }]
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'))
  const entry = JSON.stringify(new URL('./baseline-worker.ts', import.meta.url).href)
  return [`import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}) })`, { eval: true, workerData: job }]
}

/** Starts `threads` workers, each preparing `job`, and waits until all are ready. */
export async function startBaselineThreads(job: BaselineJob, threads: number): Promise<BaselineThreads> {
  const workers = Array.from({ length: threads }, () => new Worker(...workerEntry(job)))
  try {
    for (const message of await Promise.all(workers.map(nextMessage))) expect(message, 'ready')
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.terminate()))
    throw error
  }
  return {
    async run() {
      const start = process.hrtime.bigint()
      const answers = workers.map(nextMessage)
      for (const worker of workers) worker.postMessage('run')
      for (const message of await Promise.all(answers)) expect(message, 'done')
      return Number(process.hrtime.bigint() - start) / 1e9
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()))
    },
  }
}

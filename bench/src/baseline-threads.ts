/** Runs the node:crypto baseline loop on several worker threads at once and times the whole. */
import { Worker } from 'node:worker_threads'
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

/** Starts `threads` workers, each preparing `job`, and waits until all are ready. */
export async function startBaselineThreads(job: BaselineJob, threads: number): Promise<BaselineThreads> {
  const url = new URL('./baseline-worker.js', import.meta.url)
  const workers = Array.from({ length: threads }, () => new Worker(url, { workerData: job }))
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

/**
 * Workers that are still loading. Node aborts the whole process when a worker thread is ended while
 * it is still importing its modules (V8's fatal "Module::IsGraphAsync must be used on an
 * instantiated module"). A pool closed soon after it was made (a short `otp batch` run, say) would
 * end workers that never got that far. So each worker says when it is loaded, and a pool ends its
 * workers only once each has said so, or has exited.
 */
import { parentPort, threadId } from 'node:worker_threads'
import type { Piscina } from 'piscina'

/** The message a worker posts once its modules are loaded: its thread id under this key. */
const LOADED = 'otpWasmWorkerLoaded'

/**
 * In a worker, at the end of its module: says it is loaded. Its modules are instantiated by then,
 * which is what ending it needs. (Not a turn later: once loaded, a Piscina worker blocks in
 * Atomics.wait until its first task.)
 */
export function announceLoaded(): void {
  parentPort?.postMessage({ [LOADED]: threadId })
}

function loadedThread(message: unknown): number | undefined {
  if (typeof message !== 'object' || message === null || !(LOADED in message)) return undefined
  const id = (message as Record<typeof LOADED, unknown>)[LOADED]
  return typeof id === 'number' ? id : undefined
}

/** In the pool's thread: which of a Piscina pool's workers have announced they are loaded. */
export class LoadedWorkers {
  private readonly loaded = new Set<number>()
  private readonly waiting = new Map<number, () => void>()

  /** Listens from the start: Piscina relays every worker's messages, so none is missed. */
  constructor(private readonly piscina: Piscina) {
    piscina.on('message', (message: unknown) => {
      const id = loadedThread(message)
      if (id === undefined) return
      this.loaded.add(id)
      this.waiting.get(id)?.()
    })
  }

  /** Settles once every worker of the pool has announced it is loaded, or has exited. */
  async all(): Promise<void> {
    await Promise.all(
      this.piscina.threads.map((worker) => {
        const id = worker.threadId
        // A thread id of -1: the worker has exited already.
        if (id < 0 || this.loaded.has(id)) return undefined
        return new Promise<void>((resolve) => {
          const done = (): void => {
            this.waiting.delete(id)
            worker.off('exit', done)
            resolve()
          }
          this.waiting.set(id, done)
          worker.once('exit', done)
        })
      }),
    )
  }
}

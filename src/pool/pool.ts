/**
 * The worker pool: Piscina workers (src/pool/worker.ts), each with its own kernel, and the one rule
 * for faults: a task whose worker dies or throws is retried once (Piscina replaces the dead worker),
 * and a second failure is an OtpError('WORKER_FAILED') for that task's records, never a silent miss.
 */
import { Piscina } from 'piscina'
import { OtpError } from '../core/errors.js'
import type { BackendChoice } from '../kernels/select.js'
import { workerFile } from './worker-file.js'
import { LoadedWorkers } from './loading.js'
import type { Answer, Task, WorkerData } from './protocol.js'

/** Names one attempt of one task, for the test hooks. */
export interface TaskTag {
  readonly kind: Task['kind']
  /** The task's number in this pool, shared by its attempts. */
  readonly job: number
  /** 0 for the first attempt, 1 for the retry. */
  readonly attempt: number
}

/**
 * Internal hooks, for tests only: they are not part of the public API and may change.
 */
export interface PoolHooks {
  /** A task for which this answers true makes its worker exit part-way through it (a crash). */
  crash?(tag: TaskTag): boolean
  /** Told of every attempt sent to a worker, before it is sent. */
  sent?(tag: TaskTag): void
  /** Told how every attempt ended. */
  settled?(tag: TaskTag, outcome: 'done' | 'stopped' | 'failed'): void
}

/** What one attempt of a task is made of: the task, and the buffers it moves to the worker. */
export interface Attempt {
  readonly task: Task
  readonly transfer: readonly ArrayBuffer[]
}

const STOPPED: Answer = { stopped: true }

/** The pool's workers and its fault rule. */
export class WorkerPool {
  private readonly piscina: Piscina<Task, Answer>
  private readonly loaded: LoadedWorkers
  private jobs = 0

  /** Starts `threads` workers, each loading the `backend` kernel. */
  constructor(
    readonly threads: number,
    backend: BackendChoice,
    private readonly hooks: PoolHooks = {},
  ) {
    const workerData: WorkerData = { backend }
    this.piscina = new Piscina<Task, Answer>({
      ...workerFile('worker', import.meta.url),
      minThreads: threads,
      maxThreads: threads,
      // Each worker holds its next task while it runs one: the calling thread hands tasks out only
      // between its own slices of work (packing the next shards), and a worker that had to wait for
      // that would idle for each of them.
      concurrentTasksPerWorker: 2,
      idleTimeout: Infinity,
      workerData,
    })
    // A worker that dies between tasks costs only its replacement; one that dies in a task fails
    // that task, which run() handles. Without a listener, Piscina would throw the former.
    this.piscina.on('error', () => {})
    this.loaded = new LoadedWorkers(this.piscina)
  }

  /**
   * Runs one task: `attempt()` makes it afresh for each try (a moved buffer is gone after the
   * first). A failure is retried once unless `stopped()` says the result is no longer wanted.
   * @throws OtpError('WORKER_FAILED') when the retry fails too.
   */
  async run(kind: Task['kind'], attempt: () => Attempt, stopped: () => boolean): Promise<Answer> {
    const job = this.jobs++
    let failure: unknown
    for (let n = 0; n < 2; n++) {
      if (stopped()) return STOPPED
      const tag: TaskTag = { kind, job, attempt: n }
      const { task, transfer } = attempt()
      const crash = this.hooks.crash?.(tag) === true
      this.hooks.sent?.(tag)
      try {
        const answer = await this.piscina.run(crash ? { ...task, crash } : task, { transferList: [...transfer] })
        this.hooks.settled?.(tag, 'stopped' in answer ? 'stopped' : 'done')
        return answer
      } catch (error) {
        this.hooks.settled?.(tag, 'failed')
        failure = error
      }
    }
    const reason = failure instanceof Error ? failure.message : String(failure)
    throw new OtpError('WORKER_FAILED', `a worker failed on this ${kind === 'scan' ? 'counter range' : 'shard'} twice (${reason})`, {
      cause: failure,
    })
  }

  /** Ends the workers once their running tasks are done, and each has loaded (see LoadedWorkers). */
  async close(): Promise<void> {
    await this.loaded.all()
    await this.piscina.close()
  }
}

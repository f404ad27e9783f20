/**
 * A pool worker: it loads its kernel once, at module scope, and keeps it for every task. A task is a
 * shard of a batch or a counter range of a resync scan; between kernel calls the worker looks at its
 * call's cutoff (src/pool/protocol.ts) and stops early when the result is no longer wanted.
 */
import { setPriority } from 'node:os'
import { move, workerData } from 'piscina'
import { counterChunks } from '../core/counter-chunks.js'
import type { Kernel } from '../core/kernel.js'
import { loadKernel } from '../kernels/select.js'
import { COUNTERS_PER_CALL, isCut, lowerCutoff, type Answer, type RowsTask, type ScanTask, type Task, type WorkerData } from './protocol.js'
import { yieldTurn } from '../engine/abort.js'
import { Pacer } from '../engine/pace.js'
import { announceLoaded } from './loading.js'
import { decodeShard, shardResults } from './shard.js'

const kernel: Kernel = loadKernel((workerData as WorkerData).backend)

/** The workers' nice value (0 is the default; higher yields more). */
const WORKER_NICE = 10

lowerOwnPriority()
announceLoaded()

/**
 * Workers yield to the thread that feeds them: that thread packs the next shards (and serves the
 * application's event loop) while the workers compute, and on a machine with as many workers as
 * cores an equal share would leave the workers waiting for it. Linux keeps a nice value per thread,
 * so this lowers only this worker; elsewhere it would lower the whole process, so it is left alone.
 */
function lowerOwnPriority(): void {
  if (process.platform !== 'linux') return
  try {
    setPriority(0, WORKER_NICE)
  } catch {
    // A sandbox may refuse; the workers then compete on equal terms, which is only slower.
  }
}

const STOPPED: Answer = { stopped: true }

/**
 * Sizes a scan's pieces by time (about PIECE_MS each, at most COUNTERS_PER_CALL counters), so that a
 * worker looks at its cutoff as often on the JS kernel's SHA-512 as on the WASM kernel's SHA-1, and
 * an aborted or outrun scan frees its worker soon.
 */
const scanPace = new Pacer(4096, COUNTERS_PER_CALL)

/** The test hook: end this thread mid-task, as a crash would (internal; see PoolHooks). */
function crashIfTold(task: Task): void {
  if (task.crash) process.exit(70)
}

/**
 * A shard is about SHARD_WORK HMACs, a few milliseconds: one kernel call, after one look at the
 * cutoff. Cut any finer, its keys would be prepared again for each piece.
 */
function runRows(task: RowsTask): Answer {
  const batch = decodeShard(task.shape, task.buffer)
  const out = shardResults(task.shape, task.buffer)
  try {
    if (isCut(task.cutoff, task.index)) return STOPPED
    if (out instanceof Int32Array) kernel.verifyBatch(batch, out)
    else kernel.generateBatch(batch, out)
    crashIfTold(task)
  } finally {
    batch.keyBytes.fill(0)
  }
  return move(task.buffer) as ArrayBuffer
}

function runScan(task: ScanTask): Answer {
  const { alg, key, codes, digits } = task
  try {
    for (const { offset, hi, lo, n } of counterChunks(task.hi, task.lo, task.count, () => scanPace.next())) {
      if (isCut(task.cutoff, task.index)) return STOPPED
      // The kernel reads past the n first positions for the confirming codes.
      const found = scanPace.run(n, () => kernel.scan(alg, key, hi, lo, n, codes, digits))
      if (found >= 0) {
        // The ranges after this one stop; the ones before go on.
        lowerCutoff(task.cutoff, task.index)
        return { offset: offset + found }
      }
      crashIfTold(task)
    }
    return { offset: -1 }
  } finally {
    key.fill(0)
  }
}

/**
 * Piscina calls this once per task. A worker holds two tasks at once (see WorkerPool), and Piscina
 * posts a task's answer only after every task it holds has run to its end: without a turn of the
 * event loop first, the answer of the one would wait for the other, and the calling thread would
 * hand out the next task a whole task late.
 */
export default async function run(task: Task): Promise<Answer> {
  await yieldTurn()
  return task.kind === 'scan' ? runScan(task) : runRows(task)
}

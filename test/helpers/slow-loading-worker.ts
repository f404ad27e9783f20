// A pool worker that takes its time to load (workerData.loadMs), counts itself in
// workerData.loaded once loaded, and announces it; or exits part-way through its loading.
import { workerData } from 'node:worker_threads'
import { announceLoaded } from '../../src/pool/loading.js'

Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.loadMs)
if (workerData.exitWhileLoading) process.exit(1)
Atomics.add(workerData.loaded, 0, 1)
announceLoaded()

export default () => 'done'

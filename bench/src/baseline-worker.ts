/**
 * A worker thread that runs one node:crypto baseline loop each time it is told to: the all-threads
 * baseline. It prepares its inputs once, says 'ready', then answers every 'run' with 'done'.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { prepareBaselineJob, type BaselineJob } from './baseline-loops.js'

const port = parentPort!
const loop = prepareBaselineJob(workerData as BaselineJob)
port.on('message', (message: unknown) => {
  if (message !== 'run') return
  try {
    loop()
    port.postMessage('done')
  } catch (error) {
    port.postMessage({ error: (error as Error).message })
  }
})
port.postMessage('ready')

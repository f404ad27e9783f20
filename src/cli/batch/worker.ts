/**
 * A worker thread of `otp batch`: one engine per thread, made once, verifying the chunks it is sent.
 */
import { createEngine } from '../../index.js'
import { announceLoaded } from '../../pool/loading.js'
import { processChunk, type ChunkResult, type ChunkTask } from './chunk.js'

const engine = await createEngine({ backend: 'auto', threads: 1 })
announceLoaded()

/** Piscina calls the default export with each task. */
export default function verifyChunk(task: ChunkTask): Promise<ChunkResult> {
  return processChunk(task, engine)
}

/**
 * The throughput box's worker: for each kernel, an HOTP resync scan (RFC 4226 section 7.4) over
 * `counters` counters for two consecutive codes placed at the last one, so the scan computes every
 * counter and its answer proves it did. It runs in pieces, posting progress after each.
 */
import { createEngine, randomSecret, type Engine, type EngineOptions } from 'otp-wasm'
import type { BenchKernel, BenchMessage, BenchRequest } from './bench-protocol.js'
import { BENCH_KERNELS } from './bench-protocol.js'

const ENGINE_OPTIONS: Record<BenchKernel, EngineOptions> = {
  'wasm-simd': { backend: 'wasm' },
  wasm: { backend: 'wasm', simd: false },
  js: { backend: 'js' },
}

/** Counters per piece: a tenth of a second or so on each kernel. */
const PIECE: Record<BenchKernel, number> = { 'wasm-simd': 1 << 21, wasm: 1 << 20, js: 1 << 15 }

const post = (message: BenchMessage) => self.postMessage(message)

async function engineFor(kernel: BenchKernel): Promise<Engine | string> {
  try {
    const engine = await createEngine(ENGINE_OPTIONS[kernel])
    if (engine.backend === kernel) return engine
    await engine.close()
    return 'this browser has no WASM SIMD'
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

async function scan(engine: Engine, kernel: BenchKernel, total: number): Promise<void> {
  const key = randomSecret()
  // The codes of counters total - 1 and total: the first matches at the last counter scanned.
  const codes = [engine.hotp(key, total - 1), engine.hotp(key, total)]
  const start = performance.now()
  for (let from = 0; from < total;) {
    const n = Math.min(PIECE[kernel], total - from)
    const next = await engine.resyncHotp(key, codes, from, { lookAhead: n })
    if (next !== null) {
      // The codes' counter c = next - 2; counters 0 ... c were scanned.
      const scanned = Number(next) - 1
      post({ type: 'done', kernel, scanned, seconds: (performance.now() - start) / 1000, last: scanned === total })
      return
    }
    from += n
    post({ type: 'progress', kernel, done: from, total })
  }
  throw new Error('the scan missed the codes placed at its last counter')
}

self.onmessage = async (event: MessageEvent<BenchRequest>) => {
  for (const kernel of BENCH_KERNELS) {
    const engine = await engineFor(kernel)
    if (typeof engine === 'string') {
      post({ type: 'unavailable', kernel, reason: engine })
      continue
    }
    try {
      await scan(engine, kernel, event.data[kernel])
    } catch (error) {
      post({ type: 'unavailable', kernel, reason: error instanceof Error ? error.message : String(error) })
    } finally {
      await engine.close()
    }
  }
  post({ type: 'finished' })
}

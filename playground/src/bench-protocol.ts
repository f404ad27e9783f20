/** Messages between the throughput box (the page) and its Web Worker (bench-worker.ts). */

/** The kernels compared, in the order they run. */
export const BENCH_KERNELS = ['wasm-simd', 'wasm', 'js'] as const
export type BenchKernel = (typeof BENCH_KERNELS)[number]

/** Page -> worker: how many counters each kernel scans. */
export type BenchRequest = Record<BenchKernel, number>

/** Worker -> page. */
export type BenchMessage =
  | { type: 'progress'; kernel: BenchKernel; done: number; total: number }
  /** `scanned` counters in `seconds`; `last` says whether the match was where it was placed, at the very last counter. */
  | { type: 'done'; kernel: BenchKernel; scanned: number; seconds: number; last: boolean }
  | { type: 'unavailable'; kernel: BenchKernel; reason: string }
  | { type: 'finished' }

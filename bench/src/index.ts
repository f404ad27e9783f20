/**
 * The otp-wasm benchmark: otp-wasm raced against node:crypto and the OTP libraries in use today, on
 * single codes, batches and resync scans. `npm run bench` (bench/run.ts) calls {@link runBench}. It
 * lives outside the shipped package: the peers it races are devDependencies.
 */
export { runBench, type BenchOptions } from './run-bench.js'
export type { BenchReport, ResultRow, WorkloadResult, PeerStatus, Method } from './report.js'
export { renderChart } from './chart.js'
export { renderWorkloadTable } from './table.js'
export { renderBenchmarks, renderSummaryTable, writeBenchmarksDoc } from './benchmarks-doc.js'
export { WORKLOADS } from './workloads.js'

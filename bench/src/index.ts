/**
 * The otp-wasm benchmark: otp-wasm raced against node:crypto and the OTP libraries in use today, on
 * single codes, batches and resync scans. `npm run bench` and `otp bench` both call {@link runBench}.
 */
export { runBench, type BenchOptions } from './run-bench.js'
export type { BenchReport, ResultRow, WorkloadResult, PeerStatus, Method } from './report.js'
export { renderChart } from './chart.js'
export { renderWorkloadTable } from './table.js'
export { renderReadmeSection, updateReadme, README_START, README_END } from './readme.js'
export { WORKLOADS } from './workloads.js'

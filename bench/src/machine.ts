/** The facts of the machine a run happened on, recorded next to its figures. */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import os from 'node:os'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** What the JSON report records about the machine. */
export interface MachineFacts {
  readonly cpuModel: string
  /** Logical cores Node may use (os.availableParallelism). */
  readonly cores: number
  readonly memoryGiB: number
  readonly platform: string
  readonly arch: string
  readonly node: string
  readonly v8: string
  /** Whether this runtime validates a WebAssembly SIMD (v128) module. */
  readonly wasmSimdSupported: boolean
  /** 1, 5 and 15 minute load averages when the run started: a busy machine gives noisier figures. */
  readonly loadAverage: readonly number[]
  /** The checked-out commit of otp-wasm, when run from a git clone; marked when the sources differ from it. */
  readonly commit: string | null
}

/** The smallest module with a v128 result: `(func (result v128) v128.const i32x4 0 0 0 0)`. */
const SIMD_PROBE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7b,
  0x03,
  0x02,
  0x01,
  0x00,
  0x0a,
  0x16,
  0x01,
  0x14,
  0x00,
  0xfd,
  0x0c,
  ...new Array<number>(16).fill(0),
  0x0b,
])

/** Whether WebAssembly SIMD is available in this runtime. */
export function wasmSimdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE)
}

async function gitCommit(): Promise<string | null> {
  const cwd = new URL('../../', import.meta.url)
  // Only a clone of otp-wasm itself: an installed copy sits inside some other project's repository.
  if (!existsSync(new URL('.git', cwd))) return null
  try {
    const commit = (await run('git', ['rev-parse', '--short', 'HEAD'], { cwd, timeout: 5000 })).stdout.trim()
    if (!commit) return null
    // The build measured comes from the working tree: say so when its sources are not the commit's.
    const changes = (await run('git', ['status', '--porcelain', '--', 'src', 'assembly', 'scripts'], { cwd, timeout: 5000 })).stdout
    return changes.trim() ? `${commit} with uncommitted changes` : commit
  } catch {
    return null
  }
}

/** Collects the machine facts. */
export async function machineFacts(): Promise<MachineFacts> {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model.trim() || 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    node: process.version,
    v8: process.versions.v8,
    wasmSimdSupported: wasmSimdSupported(),
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
    commit: await gitCommit(),
  }
}

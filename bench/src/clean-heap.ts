/**
 * A full garbage collection between contenders, so that none pays for the garbage the previous one
 * left (the contenders share one process and one heap). Node exposes `gc` only behind
 * --expose-gc; the flag is set at run time and the function taken from a fresh context.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

let collect: (() => void) | null | undefined

/** Runs a full collection when the runtime allows it; does nothing otherwise. */
export function collectGarbage(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc')
      collect = runInNewContext('gc') as () => void
    } catch {
      collect = null
    }
  }
  collect?.()
}

/** How long untilQuiet watches the process at a time, and the share of one core it counts as quiet. */
const WATCH_MS = 20
const QUIET_SHARE = 0.1
/** untilQuiet waits no longer than this. */
const MOST_MS = 1000

/**
 * Waits until the process is quiet: no thread but this one's timers busy. The collector sweeps a
 * large heap on background threads for tens of milliseconds after it returns, and the compiler
 * optimizes on background threads too; on a machine of few cores that work would compete with the
 * next contender's worker threads, so the contenders that use every core would pay for it.
 */
export async function untilQuiet(): Promise<void> {
  const start = performance.now()
  while (performance.now() - start < MOST_MS) {
    const used = process.cpuUsage()
    const from = performance.now()
    await sleep(WATCH_MS)
    const { user, system } = process.cpuUsage(used)
    if ((user + system) / 1000 < QUIET_SHARE * (performance.now() - from)) return
  }
}

/** A full collection (see collectGarbage), then a wait until its background work is done. */
export async function settleHeap(): Promise<void> {
  collectGarbage()
  await untilQuiet()
}

/**
 * A full garbage collection between contenders, so that none pays for the garbage the previous one
 * left (the contenders share one process and one heap). Node exposes `gc` only behind
 * --expose-gc; the flag is set at run time and the function taken from a fresh context.
 */
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

/** The backends every behaviour suite runs against. */
import { createEngine, type Engine } from '../../dist/index.js'

export const BACKENDS = ['wasm', 'js'] as const

export function engineFor(backend: (typeof BACKENDS)[number]): Promise<Engine> {
  return createEngine({ backend, threads: 1 })
}

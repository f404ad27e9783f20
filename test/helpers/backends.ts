/**
 * The backends every behaviour suite runs against: the SIMD WASM build (what 'auto' picks where
 * SIMD runs), the scalar WASM build (forced here, since 'auto' and 'wasm' prefer SIMD), and JS.
 */
import { createEngine, type Engine } from '../../src/index.js'
import type { Kernel } from '../../src/core/kernel.js'
import { inProcessEngine } from '../../src/engine/engine-over.js'
import { createJsKernel } from '../../src/kernels/js.js'
import { createWasmKernel } from '../../src/kernels/wasm.js'
import { loadWasmModuleSync } from '../../src/kernels/wasm-load.js'

export const BACKENDS = ['wasm-simd', 'wasm', 'js'] as const
export type TestBackend = (typeof BACKENDS)[number]

/** A new kernel of `backend`: the suites of the Kernel contract itself, and engines built over one. */
export function kernelFor(backend: TestBackend): Kernel {
  return backend === 'js' ? createJsKernel() : createWasmKernel(loadWasmModuleSync(backend), backend)
}

export async function engineFor(backend: TestBackend): Promise<Engine> {
  switch (backend) {
    case 'wasm-simd': {
      const engine = await createEngine({ backend: 'wasm', threads: 1 })
      if (engine.backend !== 'wasm-simd') throw new Error(`expected the SIMD build, got ${engine.backend}`)
      return engine
    }
    case 'wasm':
      return inProcessEngine(kernelFor('wasm'))
    case 'js':
      return createEngine({ backend: 'js', threads: 1 })
  }
}

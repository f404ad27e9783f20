/**
 * The service stays out of the library: no module outside src/cli and src/service imports
 * src/service (so importing otp-wasm never loads Fastify), the CLI reaches it only through a dynamic
 * import (so `otp code` never loads it either), and the service never imports the CLI.
 */
import { cruise, type IReporterOutput } from 'dependency-cruiser'
import { describe, expect, it } from 'vitest'

const ROOT = new URL('..', import.meta.url).pathname

describe('the service module', () => {
  it('is imported by the CLI alone, dynamically, and imports nothing of the CLI', async () => {
    const result: IReporterOutput = await cruise(['src'], {
      baseDir: ROOT,
      tsPreCompilationDeps: true,
      doNotFollow: { path: 'node_modules' },
    })
    if (typeof result.output === 'string') throw new Error(result.output)
    const arrows = result.output.modules.flatMap((module) =>
      module.dependencies.map((dependency) => ({ from: module.source, to: dependency.resolved, dynamic: dependency.dynamic })),
    )
    const intoService = arrows.filter((arrow) => arrow.to.startsWith('src/service/') && !arrow.from.startsWith('src/service/'))
    expect(intoService.length).toBeGreaterThan(0)
    for (const arrow of intoService) {
      expect(arrow.from, `${arrow.from} -> ${arrow.to}`).toMatch(/^src\/cli\/commands\//)
      expect(arrow.dynamic, `${arrow.from} -> ${arrow.to} must be a dynamic import`).toBe(true)
    }
    const fromService = arrows.filter((arrow) => arrow.from.startsWith('src/service/'))
    expect(fromService.filter((arrow) => arrow.to.startsWith('src/cli/'))).toEqual([])
    // Fastify and its plugins are imported by src/service alone.
    const fastify = arrows.filter((arrow) => /node_modules\/(fastify|@fastify|prom-client)\//.test(arrow.to))
    expect(fastify.length).toBeGreaterThan(0)
    expect(fastify.filter((arrow) => !arrow.from.startsWith('src/service/'))).toEqual([])
  }, 60_000)
})

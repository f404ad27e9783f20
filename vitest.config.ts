import { defineConfig } from 'vitest/config'

/**
 * Three suites. `unit` runs in process on the TypeScript sources (no build needed: `npm run
 * test:unit` after any change, in about a minute). `system` runs the sources as real processes
 * against real servers: the HTTP service and its fleets, several processes racing over one store, a
 * process killed mid-write. `package` runs the built package as users get it: the CLI, import and
 * require by name, the browser bundles, bundlers, the playground and the README's examples; its
 * global setup rebuilds dist/ first when a source is newer.
 */
const SYSTEM = ['test/service*.test.ts', 'test/verifier-concurrency.test.ts', 'test/verifier-crash.test.ts']
const PACKAGE = [
  'test/*cli*.test.ts',
  'test/package.test.ts',
  'test/browser.test.ts',
  'test/bundlers.test.ts',
  'test/playground.test.ts',
  'test/fallback.test.ts',
  'test/readme.test.ts',
]

export default defineConfig({
  test: {
    // Vitest's default is one worker less than the cores, one on this 2-core machine; many suites
    // wait on child processes, servers and workers, so two files at a time finish far sooner.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...SYSTEM, ...PACKAGE] } },
      { extends: true, test: { name: 'system', include: SYSTEM } },
      { extends: true, test: { name: 'package', include: PACKAGE, globalSetup: ['test/helpers/fresh-build.ts'] } },
    ],
  },
})

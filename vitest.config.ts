import { defineConfig } from 'vitest/config'

/**
 * Two suites. `unit` runs on the TypeScript sources (no build needed: `npm run test:unit` after any
 * change). `package` runs the built package as users get it: the CLI, import/require by name, the
 * browser bundles and the playground; its global setup rebuilds dist/ first when a source is newer.
 */
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
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: PACKAGE } },
      { extends: true, test: { name: 'package', include: PACKAGE, globalSetup: ['test/helpers/fresh-build.ts'] } },
    ],
  },
})

/**
 * Where a worker's module is. The built package runs `dist/pool/NAME.js`, an entry of its Node build
 * (scripts/build-node.js), wherever the pool's code sits (an entry or a shared chunk); a checkout
 * that runs the TypeScript sources (the unit tests, `tsx`) has only `NAME.ts` beside the pool, which
 * Node loads through tsx's import hook, the one devDependency the sources need to run.
 */
import { packageFile } from '../core/package-file.js'

export interface WorkerFile {
  filename: string
  execArgv?: string[]
}

/**
 * Piscina loads a task module with require() first and import() when that throws. Node 20.19 and
 * later require() ES modules too, and a worker ended (the pool closed) in the last step of such a
 * require() aborts the whole process (an assertion in CreateRequiredModuleFacade; seen in `otp
 * batch` runs that close the pool right after the workers announce they are loaded). Without
 * require(esm) in the workers, require() throws at once and Piscina imports the module.
 */
const IMPORT_ONLY = globalThis.process?.allowedNodeEnvironmentFlags?.has('--no-experimental-require-module')
  ? ['--no-experimental-require-module']
  : []

/** The worker module `name` (without extension): beside the pool's source at `base` (its import.meta.url) when that is TypeScript, else the built one. */
export function workerFile(name: string, base: string): WorkerFile {
  if (base.endsWith('.ts')) return { filename: new URL(`./${name}.ts`, base).href, execArgv: ['--import', 'tsx', ...IMPORT_ONLY] }
  return { filename: packageFile(`dist/pool/${name}.js`).href, ...(IMPORT_ONLY.length > 0 ? { execArgv: IMPORT_ONLY } : {}) }
}

/**
 * Where a worker's module is. The built package runs `worker.js` beside the pool; a checkout that
 * runs the TypeScript sources (the unit tests, `tsx`) has only `worker.ts`, which Node loads through
 * tsx's import hook, the one devDependency the sources need to run.
 */
export interface WorkerFile {
  filename: string
  execArgv?: string[]
}

/** The worker module `name` (without extension) next to the module at `base` (its import.meta.url). */
export function workerFile(name: string, base: string): WorkerFile {
  if (base.endsWith('.ts')) return { filename: new URL(`./${name}.ts`, base).href, execArgv: ['--import', 'tsx'] }
  return { filename: new URL(`./${name}.js`, base).href }
}

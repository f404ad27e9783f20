// The layers of DESIGN.md, from the bottom up: core < kernels < batch < engine < io < pool, verifier
// < cli and the entries. An import may only point down (or sideways within a layer), never up, and
// never in a circle. Checked by `npm run lint:graph` (and so by `npm test`).
const layer = (name) => `^src/${name}/`
const ENTRIES = '^src/(index|api|create-engine|module-functions)\\.ts$'

/** `from` may not import anything in `to`. */
const forbid = (name, from, to) => ({ name, severity: 'error', from: { path: from }, to: { path: to } })

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    forbid('core-is-the-bottom', layer('core'), `${layer('(kernels|batch|engine|io|pool|verifier|cli|browser)')}|${ENTRIES}`),
    forbid('kernels-below-batch', layer('kernels'), `${layer('(batch|engine|io|pool|verifier|cli|browser)')}|${ENTRIES}`),
    forbid('batch-below-engine', layer('batch'), `${layer('(engine|io|pool|verifier|cli|browser)')}|${ENTRIES}`),
    forbid(
      'engine-is-platform-neutral',
      layer('engine'),
      `${layer('(io|pool|verifier|cli|browser)')}|${ENTRIES}|^node:|^(fs|os|path|worker_threads|crypto|child_process)$`,
    ),
    forbid('io-below-the-pool', layer('io'), `${layer('(pool|verifier|cli|browser)')}|${ENTRIES}`),
    forbid('pool-below-entries', layer('pool'), `${layer('(verifier|cli|browser)')}|${ENTRIES}`),
    forbid('verifier-below-entries', layer('verifier'), `${layer('(cli|browser)')}|^src/(index|api)\\.ts$`),
    forbid('the-library-never-imports-the-cli', '^src/(?!cli/)', layer('cli')),
    {
      name: 'browser-reaches-no-node-module',
      severity: 'error',
      from: { path: '^src/browser/' },
      to: {
        reachable: true,
        path: `^node:|^(fs|os|path|worker_threads|crypto|child_process)$|${layer('(pool|verifier|cli)')}|^src/create-engine\\.ts$|node_modules/piscina`,
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
}

// Preloaded (--import) into the counting run only: lists every module the process loads, ES modules
// through a load hook (on the hooks thread) and CommonJS through Module._load, one per line of the
// file named by COLD_START_MODULES. Hooks cost time of their own: the timed runs never load this.
import { appendFileSync } from 'node:fs'
import Module, { register } from 'node:module'

const out = process.env.COLD_START_MODULES
register(new URL('./count-modules-hooks.mjs', import.meta.url), { data: { out } })
const load = Module._load
Module._load = function (request, parent, isMain) {
  try {
    appendFileSync(out, `cjs ${Module._resolveFilename(request, parent, isMain)}\n`)
  } catch {
    appendFileSync(out, `cjs ${request}\n`)
  }
  return load.apply(this, arguments)
}

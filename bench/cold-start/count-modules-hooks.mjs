// The load hook of count-modules.mjs: runs on Node's hooks thread, appends each ES module it loads.
import { appendFileSync } from 'node:fs'

let out
export function initialize(data) {
  out = data.out
}
export async function load(url, context, next) {
  appendFileSync(out, `esm ${url}\n`)
  return next(url, context)
}

// A module hook that makes the optional packages impossible to load, as on an install without them.
import { register } from 'node:module'

register(
  'data:text/javascript,' +
    encodeURIComponent(`
      export async function resolve(specifier, context, next) {
        if (specifier === 'ioredis' || specifier === 'better-sqlite3') throw new Error('Cannot find package ' + specifier)
        return next(specifier, context)
      }`),
)

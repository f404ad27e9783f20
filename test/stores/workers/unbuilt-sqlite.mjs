// A module hook that resolves better-sqlite3 to a copy of the package without its compiled binding
// (OTP_TEST_UNBUILT_SQLITE: the copy's folder), as after `npm install --ignore-scripts`.
import { register } from 'node:module'
import { pathToFileURL } from 'node:url'

const entry = pathToFileURL(`${process.env.OTP_TEST_UNBUILT_SQLITE}/lib/index.js`).href
register(
  'data:text/javascript,' +
    encodeURIComponent(`
      export async function resolve(specifier, context, next) {
        if (specifier === 'better-sqlite3') return { url: ${JSON.stringify(entry)}, shortCircuit: true }
        return next(specifier, context)
      }`),
)

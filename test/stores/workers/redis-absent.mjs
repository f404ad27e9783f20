// Opens a Redis store against a port nobody listens on, reports how it failed, and then does nothing:
// the process must end by itself (no reconnection left running). argv: url, connectTimeout (ms)
import { createRedisStore } from '../../../src/verifier/index.js'

const [url, connectTimeout] = process.argv.slice(2)
const started = Date.now()
try {
  await createRedisStore({ url, connectTimeout: Number(connectTimeout) })
  process.stdout.write(JSON.stringify({ opened: true }))
} catch (error) {
  process.stdout.write(JSON.stringify({ code: error.code, message: error.message, name: error.name, ms: Date.now() - started }))
}

// Runs with the optional packages hidden (see hide-optional.mjs): the package must import and verify
// on the memory store, and the SQLite and Redis stores must say which package they need.
import { OtpError, totp } from '../../../src/index.js'
import { createSqliteStore, createRedisStore, createVerifier } from '../../../src/verifier/index.js'

const secret = new Uint8Array(20).fill(3)
const verifier = createVerifier({ clock: () => 1_700_000_015_000 })
await verifier.enroll('alice', secret, { type: 'totp' })
const result = await verifier.verify('alice', totp(secret, { time: 1_700_000_015 }))
const failures = []
for (const open of [() => createSqliteStore('/tmp/never.db'), () => createRedisStore({ url: 'redis://127.0.0.1:1' })]) {
  try {
    await open()
    failures.push('opened')
  } catch (error) {
    failures.push(error instanceof OtpError ? `${error.code}: ${error.message}` : `not an OtpError: ${error}`)
  }
}
process.stdout.write(JSON.stringify({ result, failures }))

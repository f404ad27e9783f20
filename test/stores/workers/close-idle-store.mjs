// Opens a store, uses it, lets it go idle, then closes it: close() must settle (the process would
// otherwise exit with the await unsettled, status 13, as the README's own example once did).
// argv: store (see open-store.mjs), key (hex)
import { setTimeout as sleep } from 'node:timers/promises'
import { createVerifier } from '../../../src/verifier/index.js'
import { openStore } from './open-store.mjs'

const [where, keyHex] = process.argv.slice(2)
const store = await openStore(where)
const verifier = createVerifier({ store, key: Buffer.from(keyHex, 'hex') })
await verifier.enroll(`close-${process.pid}`, new Uint8Array(20).fill(1), { type: 'hotp' })
await verifier.remove(`close-${process.pid}`)
await sleep(50)
await verifier.close()
await store.close()
process.stdout.write(JSON.stringify({ closed: true }))

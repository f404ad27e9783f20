// Opens a store, uses it, and leaves it open: an idle store must not keep the process alive.
// argv: store (see open-store.mjs), key (hex)
import { createVerifier } from '../../../src/verifier/index.js'
import { openStore } from './open-store.mjs'

const [where, keyHex] = process.argv.slice(2)
const store = await openStore(where)
const verifier = createVerifier({ store, key: Buffer.from(keyHex, 'hex') })
await verifier.enroll(`idle-${process.pid}`, new Uint8Array(20).fill(1), { type: 'hotp' })
const result = await verifier.verify(`idle-${process.pid}`, '000000')
process.stdout.write(JSON.stringify(result))

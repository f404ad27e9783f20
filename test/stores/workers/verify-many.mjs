// The victim of the crash test: verifies one code per token in a single verifyMany, in small chunks,
// until the test kills it. argv: store, key (hex), clock (ms), batch size; stdin: JSON [{ tokenId, code }].
import { createVerifier } from '../../../src/verifier/index.js'
import { openStore } from './open-store.mjs'

const [where, keyHex, clockMs, batchSize] = process.argv.slice(2)
let input = ''
for await (const chunk of process.stdin) input += chunk
const store = await openStore(where)
const verifier = createVerifier({ store, key: Buffer.from(keyHex, 'hex'), clock: () => Number(clockMs), batchSize: Number(batchSize) })
process.stdout.write('started\n')
await verifier.verifyMany(JSON.parse(input))
process.stdout.write('finished\n')
await store.close()

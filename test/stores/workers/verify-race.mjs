// One racer of the cross-process concurrency test: opens the shared store, says 'ready', and on 'go'
// fires `count` concurrent verifications of one code, then reports how each came out.
// argv: store, key (hex), clock (ms), tokenId, code, count
import { createVerifier } from '../../../src/verifier/index.js'
import { openStore } from './open-store.mjs'

const [where, keyHex, clockMs, tokenId, code, count] = process.argv.slice(2)
const store = await openStore(where)
const verifier = createVerifier({ store, key: Buffer.from(keyHex, 'hex'), clock: () => Number(clockMs) })
process.send({ ready: true })
process.once('message', async () => {
  const results = await Promise.all(
    Array.from({ length: Number(count) }, () => verifier.verify(tokenId, code).catch((error) => ({ error: error.code }))),
  )
  const tally = {}
  for (const r of results) {
    const outcome = r.error ?? (r.ok ? 'ok' : r.reason)
    tally[outcome] = (tally[outcome] ?? 0) + 1
  }
  process.send({ tally })
  await store.close()
  process.disconnect()
})

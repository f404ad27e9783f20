/**
 * hash-wasm's HMAC completed into HOTP by hand. The HMAC object is made once per key (its creation is
 * asynchronous); each code then calls `init`, `update` and `digest`, which are synchronous.
 */
import type { Algorithm, Contender, PeerDefinition } from '../contender.js'
import { keyedFromHotp, truncate, writeCounter } from '../hotp-by-hand.js'
import { importOptional, notInstalled } from '../optional-import.js'

interface Hasher {
  init(): Hasher
  update(data: Uint8Array): Hasher
  digest(format: 'binary'): Uint8Array
}

interface HashWasm {
  createHMAC(hash: Promise<Hasher>, key: Uint8Array): Promise<Hasher>
  createSHA1(): Promise<Hasher>
  createSHA256(): Promise<Hasher>
  createSHA512(): Promise<Hasher>
}

function hasherFor(hashWasm: HashWasm, algorithm: Algorithm): Promise<Hasher> {
  if (algorithm === 'SHA1') return hashWasm.createSHA1()
  return algorithm === 'SHA256' ? hashWasm.createSHA256() : hashWasm.createSHA512()
}

function contender(name: string, hashWasm: HashWasm): Contender {
  return {
    name,
    packageName: 'hash-wasm',
    async: false,
    async forKey(algorithm, key) {
      const mac = await hashWasm.createHMAC(hasherFor(hashWasm, algorithm), key)
      const block = new Uint8Array(8)
      return keyedFromHotp((counter) => truncate(mac.init().update(writeCounter(block, counter)).digest('binary'), 6))
    },
  }
}

/** hash-wasm's HMAC, completed into HOTP by hand. */
export const hashWasmPeer: PeerDefinition = {
  name: 'hash-wasm',
  packageName: 'hash-wasm',
  async load() {
    const hashWasm = await importOptional<HashWasm>('hash-wasm')
    if (!hashWasm) return { name: this.name, reason: notInstalled('hash-wasm') }
    return contender(this.name, hashWasm)
  },
}

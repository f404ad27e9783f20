/**
 * @noble/hashes HMAC completed into HOTP by hand, two ways: one-shot `hmac(hash, key, message)` per
 * code, and a keyed state made once per key whose absorbed ipad/opad is cloned into a reused
 * instance per code (as noble's own PBKDF2 does), which skips the key setup on every code.
 */
import type { Algorithm, Contender, PeerDefinition } from '../contender.js'
import { counterBlock, keyedFromHotp, truncate, writeCounter } from '../hotp-by-hand.js'
import { importOptional, notInstalled } from '../optional-import.js'

interface KeyedHmac {
  update(message: Uint8Array): KeyedHmac
  digest(): Uint8Array
  _cloneInto(to?: KeyedHmac): KeyedHmac
}

interface NobleHmac {
  (hash: unknown, key: Uint8Array, message: Uint8Array): Uint8Array
  create(hash: unknown, key: Uint8Array): KeyedHmac
}

interface NobleModules {
  hmac: NobleHmac
  hashes: Record<Algorithm, unknown>
}

async function loadNoble(): Promise<NobleModules | null> {
  const hmacModule = await importOptional<{ hmac: NobleHmac }>('@noble/hashes/hmac.js')
  const legacy = await importOptional<{ sha1: unknown }>('@noble/hashes/legacy.js')
  const sha2 = await importOptional<{ sha256: unknown; sha512: unknown }>('@noble/hashes/sha2.js')
  if (!hmacModule || !legacy || !sha2) return null
  return { hmac: hmacModule.hmac, hashes: { SHA1: legacy.sha1, SHA256: sha2.sha256, SHA512: sha2.sha512 } }
}

function oneShot(name: string, noble: NobleModules): Contender {
  return {
    name,
    packageName: '@noble/hashes',
    async: false,
    async forKey(algorithm, key) {
      const hash = noble.hashes[algorithm]
      return keyedFromHotp((counter) => truncate(noble.hmac(hash, key, counterBlock(counter)), 6))
    },
  }
}

function keyedState(name: string, noble: NobleModules): Contender {
  return {
    name,
    packageName: '@noble/hashes',
    async: false,
    async forKey(algorithm, key) {
      const keyed = noble.hmac.create(noble.hashes[algorithm], key)
      const scratch = keyed._cloneInto()
      const block = new Uint8Array(8)
      return keyedFromHotp((counter) => truncate(keyed._cloneInto(scratch).update(writeCounter(block, counter)).digest(), 6))
    },
  }
}

/** @noble/hashes, one `hmac()` call per code. */
export const nobleOneShotPeer: PeerDefinition = {
  name: '@noble/hashes (one-shot)',
  packageName: '@noble/hashes',
  async load() {
    const noble = await loadNoble()
    return noble ? oneShot(this.name, noble) : { name: this.name, reason: notInstalled('@noble/hashes') }
  },
}

/** @noble/hashes, a keyed HMAC state cloned per code. */
export const nobleKeyedPeer: PeerDefinition = {
  name: '@noble/hashes (keyed state)',
  packageName: '@noble/hashes',
  async load() {
    const noble = await loadNoble()
    return noble ? keyedState(this.name, noble) : { name: this.name, reason: notInstalled('@noble/hashes') }
  },
}

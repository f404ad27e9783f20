/**
 * Web Crypto (`crypto.subtle`) HMAC completed into HOTP by hand: the CryptoKey is imported once per
 * key, and every code is an awaited `sign`. It is the only asynchronous peer, so benchmark.js runs it
 * deferred, and its figures include the promise round trip a caller pays.
 */
import type { Algorithm, Contender, PeerDefinition } from '../contender.js'
import { PERIOD } from '../contender.js'
import { counterBlock, sameCode, timeStep, truncate, verifyTotpWindowOneAsync } from '../hotp-by-hand.js'

const WEB_HASH: Record<Algorithm, string> = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' }

const contender: Contender = {
  name: 'Web Crypto',
  packageName: null,
  async: true,
  async forKey(algorithm, key) {
    const subtle = globalThis.crypto.subtle
    const cryptoKey = await subtle.importKey('raw', new Uint8Array(key), { name: 'HMAC', hash: WEB_HASH[algorithm] }, false, ['sign'])
    const hotp = async (counter: number): Promise<string> =>
      truncate(new Uint8Array(await subtle.sign('HMAC', cryptoKey, counterBlock(counter))), 6)
    return {
      hotp,
      verifyHotp: async (code, counter) => sameCode(await hotp(counter), code),
      verifyTotp: (code, time) => verifyTotpWindowOneAsync(hotp, code, timeStep(time, PERIOD)),
    }
  },
}

/** Web Crypto's HMAC, completed into HOTP by hand. */
export const webCryptoPeer: PeerDefinition = {
  name: contender.name,
  packageName: null,
  async load() {
    if (!globalThis.crypto?.subtle) return { name: this.name, reason: 'globalThis.crypto.subtle is not available' }
    return contender
  },
}

/** speakeasy v2: its `hotp`, `hotp.verifyDelta` and `totp.verifyDelta`, with the key as a Buffer. */
import type { Algorithm, Contender, PeerDefinition } from '../contender.js'
import { PERIOD } from '../contender.js'
import { importOptional, notInstalled } from '../optional-import.js'

interface SpeakeasyOptions {
  secret: Buffer
  algorithm: string
  digits: number
  counter?: number
  time?: number
  step?: number
  token?: string
  window?: number
}

interface Speakeasy {
  hotp: ((options: SpeakeasyOptions) => string) & {
    verifyDelta(options: SpeakeasyOptions): { delta: number } | undefined
  }
  totp: { verifyDelta(options: SpeakeasyOptions): { delta: number } | undefined }
}

const SPEAKEASY_HASH: Record<Algorithm, string> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' }

function contender(name: string, speakeasy: Speakeasy): Contender {
  return {
    name,
    packageName: 'speakeasy',
    async: false,
    async forKey(algorithm, key) {
      const base = { secret: Buffer.from(key), algorithm: SPEAKEASY_HASH[algorithm], digits: 6 }
      return {
        hotp: (counter) => speakeasy.hotp({ ...base, counter }),
        verifyHotp: (token, counter) => speakeasy.hotp.verifyDelta({ ...base, token, counter, window: 0 }) !== undefined,
        verifyTotp: (token, time) => speakeasy.totp.verifyDelta({ ...base, token, time, step: PERIOD, window: 1 })?.delta ?? null,
      }
    },
  }
}

/** speakeasy's hotp and verifyDelta functions. */
export const speakeasyPeer: PeerDefinition = {
  name: 'speakeasy',
  packageName: 'speakeasy',
  async load() {
    const module = await importOptional<{ default: Speakeasy }>('speakeasy')
    if (!module) return { name: this.name, reason: notInstalled('speakeasy') }
    return contender(this.name, module.default)
  },
}

/** otpauth v9: one HOTP and one TOTP object per key, as its README shows; its Node build uses node:crypto. */
import type { Contender, PeerDefinition } from '../contender.js'
import { PERIOD } from '../contender.js'
import { importOptional, notInstalled } from '../optional-import.js'

interface OtpObject {
  generate(options: { counter?: number; timestamp?: number }): string
  validate(options: { token: string; counter?: number; timestamp?: number; window: number }): number | null
}

interface OtpauthModule {
  Secret: new (options: { buffer: ArrayBuffer }) => unknown
  HOTP: new (options: { secret: unknown; algorithm: string; digits: number }) => OtpObject
  TOTP: new (options: { secret: unknown; algorithm: string; digits: number; period: number }) => OtpObject
}

function contender(name: string, otpauth: OtpauthModule): Contender {
  return {
    name,
    packageName: 'otpauth',
    async: false,
    async forKey(algorithm, key) {
      const secret = new otpauth.Secret({ buffer: key.slice().buffer })
      const hotp = new otpauth.HOTP({ secret, algorithm, digits: 6 })
      const totp = new otpauth.TOTP({ secret, algorithm, digits: 6, period: PERIOD })
      return {
        hotp: (counter) => hotp.generate({ counter }),
        verifyHotp: (token, counter) => hotp.validate({ token, counter, window: 0 }) === 0,
        verifyTotp: (token, time) => totp.validate({ token, timestamp: time * 1000, window: 1 }),
      }
    },
  }
}

/** otpauth's HOTP and TOTP objects. */
export const otpauthPeer: PeerDefinition = {
  name: 'otpauth',
  packageName: 'otpauth',
  async load() {
    const otpauth = await importOptional<OtpauthModule>('otpauth')
    if (!otpauth) return { name: this.name, reason: notInstalled('otpauth') }
    return contender(this.name, otpauth)
  },
}

/**
 * otplib v13, through its synchronous functional API (`generateSync`, `verifySync`): once with its
 * default crypto plugin (@noble/hashes) and once with its Node crypto plugin, when that is installed.
 */
import type { Algorithm, Contender, KeyedOtp, PeerDefinition } from '../contender.js'
import { PERIOD } from '../contender.js'
import { importOptional, notInstalled } from '../optional-import.js'

interface OtplibOptions {
  secret: Uint8Array
  strategy: 'hotp' | 'totp'
  algorithm: 'sha1' | 'sha256' | 'sha512'
  digits: 6
  counter?: number
  epoch?: number
  period?: number
  token?: string
  epochTolerance?: number
  crypto?: unknown
}

interface Otplib {
  generateSync(options: OtplibOptions): string
  verifySync(options: OtplibOptions): { valid: boolean; delta?: number }
}

const OTPLIB_HASH: Record<Algorithm, OtplibOptions['algorithm']> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' }

function keyedOtp(otplib: Otplib, crypto: unknown, algorithm: Algorithm, secret: Uint8Array): KeyedOtp {
  const base = { secret, algorithm: OTPLIB_HASH[algorithm], digits: 6 as const, ...(crypto ? { crypto } : {}) }
  return {
    hotp: (counter) => otplib.generateSync({ ...base, strategy: 'hotp', counter }),
    verifyHotp: (token, counter) => otplib.verifySync({ ...base, strategy: 'hotp', counter, token }).valid,
    verifyTotp: (token, epoch) => {
      // An epoch tolerance of one period reaches exactly one step each way, wherever `epoch` falls in its step.
      const result = otplib.verifySync({ ...base, strategy: 'totp', epoch, period: PERIOD, token, epochTolerance: PERIOD })
      return result.valid ? (result.delta ?? 0) : null
    },
  }
}

function otplibContender(name: string, otplib: Otplib, crypto: unknown): Contender {
  return {
    name,
    packageName: 'otplib',
    async: false,
    forKey: async (algorithm, key) => keyedOtp(otplib, crypto, algorithm, key),
  }
}

/** otplib with its default crypto plugin (@noble/hashes). */
export const otplibPeer: PeerDefinition = {
  name: 'otplib',
  packageName: 'otplib',
  async load() {
    const otplib = await importOptional<Otplib>('otplib')
    if (!otplib) return { name: this.name, reason: notInstalled('otplib') }
    return otplibContender(this.name, otplib, undefined)
  },
}

/** otplib with @otplib/plugin-crypto-node, when that is installed. */
export const otplibNodePeer: PeerDefinition = {
  name: 'otplib (node crypto plugin)',
  packageName: '@otplib/plugin-crypto-node',
  async load() {
    const otplib = await importOptional<Otplib>('otplib')
    if (!otplib) return { name: this.name, reason: notInstalled('otplib') }
    const plugin = await importOptional<{ NodeCryptoPlugin: new () => unknown }>('@otplib/plugin-crypto-node')
    if (!plugin) return { name: this.name, reason: notInstalled('@otplib/plugin-crypto-node') }
    return otplibContender(this.name, otplib, new plugin.NodeCryptoPlugin())
  },
}

/**
 * OCRA written directly from RFC 6287 over node:crypto, the way its appendix A reference code builds
 * the message (hex strings, padded, then decoded): the yardstick the engines are held to. It shares
 * no code with src/.
 */
import { createHash, createHmac } from 'node:crypto'

export interface RefInput {
  question: string
  counter?: bigint | number
  password?: string
  session?: string // hex
  timestamp?: bigint | number
}

/** The reference OCRA response: digits, or the whole HMAC in hex for t = 0. */
export function referenceOcra(suite: string, key: Uint8Array, input: RefInput): string {
  const [, crypto, data] = suite.split(':') as [string, string, string]
  const [, hash, t] = crypto.split('-') as [string, string, string]
  const digits = Number(t)
  const fields = data.split('-')
  let hex = Buffer.from(suite, 'ascii').toString('hex') + '00'
  for (const field of fields) {
    if (field === 'C') hex += BigInt(input.counter!).toString(16).padStart(16, '0')
    else if (field.startsWith('Q')) {
      const q =
        field[1] === 'N'
          ? BigInt(input.question).toString(16)
          : field[1] === 'A'
            ? Buffer.from(input.question, 'ascii').toString('hex')
            : input.question
      hex += q.padEnd(256, '0')
    } else if (field.startsWith('P')) hex += createHash(field.slice(1).toLowerCase()).update(input.password!).digest('hex')
    else if (field.startsWith('S')) hex += input.session!
    else if (field.startsWith('T')) hex += BigInt(input.timestamp!).toString(16).padStart(16, '0')
  }
  const mac = createHmac(hash.toLowerCase(), key).update(Buffer.from(hex, 'hex')).digest()
  if (digits === 0) return mac.toString('hex')
  const offset = mac[mac.length - 1]! & 0xf
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits).padStart(digits, '0')
}

/** The reference Steam Guard code: RFC 6238 SHA-1 TOTP's 31-bit value as 5 characters of the published alphabet. */
export function referenceSteam(key: Uint8Array, time: number, period = 30): string {
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(Math.floor(time / period)))
  const mac = createHmac('sha1', key).update(message).digest()
  let value = mac.readUInt32BE(mac[19]! & 0xf) & 0x7fffffff
  let code = ''
  for (let i = 0; i < 5; i++) {
    code += '23456789BCDFGHJKMNPQRTVWXY'[value % 26]
    value = Math.floor(value / 26)
  }
  return code
}

/**
 * HOTP over node:crypto written as a careful caller would (one reused counter buffer, the steps of
 * RFC 4226 section 5.3, SHA-1, 6 digits): the baseline of the prepared-key scripts.
 */
import { createHmac } from 'node:crypto'

const message = Buffer.alloc(8)

export function nodeHotp(key: Uint8Array, counter: number): string {
  message.writeUInt32BE(Math.floor(counter / 0x1_0000_0000), 0)
  message.writeUInt32BE(counter >>> 0, 4)
  const mac = createHmac('sha1', key).update(message).digest()
  const offset = mac[mac.length - 1]! & 0xf
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0')
}

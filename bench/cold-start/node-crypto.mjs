// Cold start, node:crypto alone: one TOTP code by hand, the floor under both libraries.
import { createHmac } from 'node:crypto'

const key = Buffer.from('48656c6c6fdeadbeef', 'hex') // JBSWY3DPEHPK3PXP in base32
const block = Buffer.alloc(8)
block.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000)))
const mac = createHmac('sha1', key).update(block).digest()
console.log(String((mac.readUInt32BE(mac[19] & 15) & 0x7fffffff) % 1e6).padStart(6, '0'))

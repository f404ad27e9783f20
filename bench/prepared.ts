/**
 * Prepared keys against node:crypto, one code at a time: `npx tsx bench/prepared.ts`.
 *
 * Three workloads, each as a ratio to a node:crypto createHmac loop doing the same work (the same
 * keys, counters and codes, the same strings out):
 *   1. prepared Hotp.at(counter)                        vs createHmac per counter
 *   2. prepared Totp.verify(code, { time, window: 1 })  vs three createHmac codes compared
 *   3. hotp(base32String, counter): decode, key setup, code  vs a base32 decode and createHmac
 * The six loops are interleaved in one process, round after round, so that a slow moment of the
 * machine falls on both sides of a ratio; each figure is the median of the rounds' ratios. Every
 * loop is checked against the others' answers first.
 */
import { Hotp, Totp, defaultBackend, hotp } from '../src/index.js'
import { nodeHotp } from './src/node-hotp.js'

const ROUNDS = Number(process.env.ROUNDS ?? 15)
const CALLS = Number(process.env.CALLS ?? 50_000)
const KEYS = 64

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const randomBytes = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n))
const keys = Array.from({ length: KEYS }, () => randomBytes(20))
const base32 = (bytes: Uint8Array): string => {
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff
    bits += 8
    while (bits >= 5) out += ALPHABET[(buffer >>> (bits -= 5)) & 31]
  }
  return bits > 0 ? out + ALPHABET[(buffer << (5 - bits)) & 31] : out
}
const texts = keys.map(base32)

const VALUES = new Int8Array(128).fill(-1)
for (let i = 0; i < 32; i++) VALUES[ALPHABET.charCodeAt(i)] = i
function nodeBase32(text: string): Buffer {
  const out = Buffer.allocUnsafe(Math.floor((text.length * 5) / 8))
  let length = 0
  let buffer = 0
  let bits = 0
  for (let i = 0; i < text.length; i++) {
    buffer = ((buffer << 5) | VALUES[text.charCodeAt(i)]!) & 0xfff
    bits += 5
    if (bits >= 8) out[length++] = (buffer >>> (bits -= 8)) & 0xff
  }
  return out.subarray(0, length)
}

const hotps = keys.map((key) => new Hotp(key))
const totps = keys.map((key) => new Totp(key))
const TIME = 1_700_000_000
const STEP = Math.floor(TIME / 30)
// Codes to verify: one per key, from the step before, so that every window is computed whole.
const codes = keys.map((key) => nodeHotp(key, STEP - 1))

let sink = 0
type Loop = (n: number) => void
const loops: Record<string, Loop> = {
  'Hotp.at': (n) => {
    for (let i = 0; i < n; i++) sink += hotps[i % KEYS]!.at(i).length
  },
  'node Hotp.at': (n) => {
    for (let i = 0; i < n; i++) sink += nodeHotp(keys[i % KEYS]!, i).length
  },
  'Totp.verify w1': (n) => {
    for (let i = 0; i < n; i++) sink += totps[i % KEYS]!.verify(codes[i % KEYS]!, { time: TIME, window: 1 }) ? 1 : 0
  },
  'node Totp.verify w1': (n) => {
    for (let i = 0; i < n; i++) {
      const key = keys[i % KEYS]!
      const code = codes[i % KEYS]!
      let found = false
      for (let d = -1; d <= 1; d++) found = nodeHotp(key, STEP + d) === code || found
      sink += found ? 1 : 0
    }
  },
  'hotp(base32)': (n) => {
    for (let i = 0; i < n; i++) sink += hotp(texts[i % KEYS]!, i).length
  },
  'node hotp(base32)': (n) => {
    for (let i = 0; i < n; i++) sink += nodeHotp(nodeBase32(texts[i % KEYS]!), i).length
  },
}
const PAIRS: Array<[string, string, number]> = [
  ['Hotp.at', 'node Hotp.at', 8],
  ['Totp.verify w1', 'node Totp.verify w1', 20],
  ['hotp(base32)', 'node hotp(base32)', 3],
]

// Same answers first.
for (let k = 0; k < KEYS; k++) {
  for (const c of [0, 1, 2 ** 32 + 5, 123456789]) {
    const want = nodeHotp(keys[k]!, c)
    if (hotps[k]!.at(c) !== want || hotp(texts[k]!, c) !== want || nodeHotp(nodeBase32(texts[k]!), c) !== want) {
      throw new Error(`key ${k} counter ${c}: the loops disagree`)
    }
  }
  if (!totps[k]!.verify(codes[k]!, { time: TIME, window: 1 }) || totps[k]!.verify(codes[k]!, { time: TIME, window: 0 })) {
    throw new Error(`key ${k}: Totp.verify disagrees with node:crypto`)
  }
}

function time(loop: Loop, n: number): number {
  const start = process.hrtime.bigint()
  loop(n)
  return Number(process.hrtime.bigint() - start) / n
}

// Warm every loop, then interleave.
for (const loop of Object.values(loops)) loop(CALLS)
const ratios: Record<string, number[]> = {}
const perCall: Record<string, number[]> = {}
for (let round = 0; round < ROUNDS; round++) {
  for (const [ours, theirs] of PAIRS) {
    const a = time(loops[ours]!, CALLS)
    const b = time(loops[theirs]!, CALLS)
    ;(ratios[ours] ??= []).push(b / a)
    ;(perCall[ours] ??= []).push(a)
    ;(perCall[theirs] ??= []).push(b)
  }
}
const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[xs.length >> 1]!

console.log(`backend ${defaultBackend()}, node ${process.version}, ${ROUNDS} rounds of ${CALLS} calls, ${KEYS} keys (SHA-1, 20 bytes)`)
for (const [ours, theirs, target] of PAIRS) {
  const ratio = median(ratios[ours]!)
  const line = `${ours.padEnd(16)} ${median(perCall[ours]!).toFixed(0).padStart(6)} ns/call   node:crypto ${median(perCall[theirs]!).toFixed(0).padStart(6)} ns/call   ${ratio.toFixed(1).padStart(5)}x  (target ${target}x${ratio >= target ? ', met' : ', NOT met'})`
  console.log(line)
}
if (sink === 0.5) console.log(sink)

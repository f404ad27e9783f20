// Emits assembly/simd/sha1x4.ts, sha256x4.ts and sha512x2.ts: the unrolled compression functions of
// scripts/gen-sha.js, over WebAssembly SIMD lanes. SHA-1 and SHA-256 hash 4 independent messages at
// once (i32x4, one u32 lane each), SHA-512 hashes 2 (i64x2, one u64 lane each).
//
// States and blocks are transposed in memory: word i of every lane sits in one v128, so a whole
// word loads with one v128.load. For 32-bit words (SHA-512 has two 8-byte lanes per row instead):
//
//          +0       +4       +8       +12
//   +0     w0 [0]   w0 [1]   w0 [2]   w0 [3]     w0 of lanes 0..3
//   +16    w1 [0]   w1 [1]   w1 [2]   w1 [3]
//   ...
//   +16i   wi [0]   wi [1]   wi [2]   wi [3]
//
// Each family gets the three functions of the scalar generator, with lanes:
//   <h>Compress(state, block)             transposed native block words; the state updated in place
//   <h>CompressCounter(state, ctr, out)   the HMAC inner block of each lane's 8-byte counter: at
//                                          `ctr`, a row of the counters' high halves and a row of
//                                          their low halves (SHA-512: one row of u64 counters)
//   <h>CompressDigest(state, inner, out)  the HMAC outer block; out holds native words (not bytes:
//                                          the lanes are truncated one by one from native words)
// The constant words of the two HMAC blocks (0x80 padding, zeros, bit length) are folded into the
// schedule and the round additions at generation time, as in the scalar files.
//
// Rotations are shl | shr_u pairs with constant counts (WebAssembly SIMD has no rotate). Additions
// are ordered so that the newest working variable enters last, which shortens the round's critical
// path (the engine does not reassociate).
//
// Usage: node scripts/gen-sha-simd.js          writes the files
//        node scripts/gen-sha-simd.js --check  fails if a committed file differs from the generator
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { FAMILIES, SHA1_K } from './gen-sha.js'

const ROOT = new URL('../', import.meta.url)

/** Output file, lane count and SIMD shape of each family. */
const SHAPES = {
  sha1: { file: 'sha1x4', lanes: 4, vec: 'i32x4', word: 'u32', lane: 'i32' },
  sha256: { file: 'sha256x4', lanes: 4, vec: 'i32x4', word: 'u32', lane: 'i32' },
  sha512: { file: 'sha512x2', lanes: 2, vec: 'i64x2', word: 'u64', lane: 'i64' },
}

/** Rotation and shift counts of the SHA-2 sigma functions (FIPS 180-4 4.1.2, 4.1.3). */
const SIGMA = {
  32: { ssig0: [7, 18, 3], ssig1: [17, 19, 10], bsig0: [2, 13, 22], bsig1: [6, 11, 25] },
  64: { ssig0: [1, 8, 7], ssig1: [19, 61, 6], bsig0: [28, 34, 39], bsig1: [14, 18, 41] },
}

const VARS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']

// Symbolic message words: { c: bigint } is the same constant in every lane, { v: string } a local.
const konst = (c) => ({ c })
const local = (v) => ({ v })

/**
 * Word arithmetic at generation time, and the file's table of splatted constants: `konstRow(c)` is
 * the row of c in the table (added on first use), so every constant a file uses is loaded from
 * static data with one v128.load instead of being rebuilt in registers at every use.
 */
function wordOps(bits) {
  const table = new Map()
  const konstRow = (c) => {
    const key = c & ((1n << BigInt(bits)) - 1n)
    if (!table.has(key)) table.set(key, table.size)
    return table.get(key)
  }
  const mask = (1n << BigInt(bits)) - 1n
  const hex = (x) => '0x' + (x & mask).toString(16).padStart(bits / 4, '0')
  const rotr = (x, n) => ((x >> BigInt(n)) | (x << BigInt(bits - n))) & mask
  const rotl = (x, n) => rotr(x, bits - n)
  const sig = {
    ssig0: (x) => rotr(x, SIGMA[bits].ssig0[0]) ^ rotr(x, SIGMA[bits].ssig0[1]) ^ (x >> BigInt(SIGMA[bits].ssig0[2])),
    ssig1: (x) => rotr(x, SIGMA[bits].ssig1[0]) ^ rotr(x, SIGMA[bits].ssig1[1]) ^ (x >> BigInt(SIGMA[bits].ssig1[2])),
  }
  return { mask, hex, rotl, sig, table, konstRow }
}

/** Sums terms left to right with add(): add(add(x, y), z). */
const sum = (terms) => terms.reduce((acc, t) => `add(${acc}, ${t})`)

/** A constant in every lane: a row of the file's table, named by its value in a comment. */
const splat = (ops, c) => `k(${ops.konstRow(c)} /* ${ops.hex(c)} */)`

/** SHA-1 schedule (FIPS 180-4 6.1.2) with constants and repeated terms folded, as in gen-sha.js. */
function scheduleSha1(W, t, ops, lines) {
  let c = 0n
  const names = new Map()
  for (const w of [W[t - 3], W[t - 8], W[t - 14], W[t - 16]]) {
    if ('c' in w) c ^= w.c
    else names.set(w.v, (names.get(w.v) ?? 0) ^ 1)
  }
  const terms = [...names].filter(([, n]) => n).map(([v]) => v)
  if (terms.length === 0) return konst(ops.rotl(c, 1))
  if (c !== 0n) terms.push(splat(ops, c))
  lines.push(`  const w${t} = rotl(${terms.reduce((acc, x) => `v128.xor(${acc}, ${x})`)}, 1)`)
  return local(`w${t}`)
}

/** SHA-2 schedule (FIPS 180-4 6.2.2, 6.4.2): W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]. */
function scheduleSha2(W, t, ops, lines) {
  let c = 0n
  const terms = []
  const add = (w, fn) => {
    if ('c' in w) c += fn ? ops.sig[fn](w.c) : w.c
    else terms.push(fn ? `${fn}(${w.v})` : w.v)
  }
  add(W[t - 16], null)
  add(W[t - 7], null)
  add(W[t - 15], 'ssig0')
  add(W[t - 2], 'ssig1') // the newest word last
  c &= ops.mask
  if (terms.length === 0) return konst(c)
  if (c !== 0n) terms.unshift(splat(ops, c))
  lines.push(`  const w${t} = ${sum(terms)}`)
  return local(`w${t}`)
}

/** The rounds of one compression over the symbolic block `W0` (16 words); returns the body lines. */
function rounds(family, W0, ops) {
  const fam = FAMILIES[family]
  const W = [...W0]
  const lines = []
  // K[t] + W[t]: one constant when the message word is constant.
  const addend = (k, w) => ('c' in w ? splat(ops, k + w.c) : `add(${w.v}, ${splat(ops, k)})`)
  let v = VARS.slice(0, fam.digestWords)
  // SHA-2's maj(a, b, c) is b ^ ((a ^ b) & (b ^ c)), and b ^ c is the previous round's a ^ b: one
  // xor per round is carried over instead of recomputed.
  if (family !== 'sha1') lines.push(`  let bc = v128.xor(b, c), ab = bc`)
  for (let t = 0; t < fam.rounds; t++) {
    if (family === 'sha1') {
      if (t >= 16) W[t] = scheduleSha1(W, t, ops, lines)
      const [a, b, c, d, e] = v
      const fn = t < 20 ? `ch(${b}, ${c}, ${d})` : t >= 40 && t < 60 ? `maj(${b}, ${c}, ${d})` : `parity(${b}, ${c}, ${d})`
      const k = BigInt(SHA1_K[Math.floor(t / 20)])
      lines.push(`  ${e} = ${sum([e, addend(k, W[t]), fn, `rotl(${a}, 5)`])}; ${b} = rotl(${b}, 30)`)
      v = [e, a, b, c, d]
    } else {
      if (t >= 16) W[t] = scheduleSha2(W, t, ops, lines)
      const [a, b, c, d, e, f, g, h] = v
      lines.push(
        `  ${h} = ${sum([h, addend(fam.k[t], W[t]), `ch(${e}, ${f}, ${g})`, `bsig1(${e})`])}; ` +
          `${d} = add(${d}, ${h}); ab = v128.xor(${a}, ${b}); ` +
          `${h} = ${sum([h, `v128.xor(${b}, v128.and(ab, bc))`, `bsig0(${a})`])}; bc = ab`,
      )
      v = [h, a, b, c, d, e, f, g]
    }
  }
  return lines
}

function loadState(f) {
  const out = []
  for (let i = 0; i < f.digestWords; i++) out.push(`  const s${i} = v128.load(state, ${i * 16})`)
  out.push(`  let ${VARS.slice(0, f.digestWords).map((v, i) => `${v} = s${i}`).join(', ')}`)
  return out
}

function storeState(f, ptr) {
  const out = []
  for (let i = 0; i < f.digestWords; i++) out.push(`  v128.store(${ptr}, add(s${i}, ${VARS[i]}), ${i * 16})`)
  return out
}

/** The inline helpers of one lane shape: lane-wise add, a splatted constant, rotations, sigmas. */
function helpers(family, shape, bits) {
  const { vec, word, lane } = shape
  const d = `// @ts-ignore: decorator\n@inline`
  const rotr = (x, n) => `v128.or(${vec}.shr_u(${x}, ${n}), ${vec}.shl(${x}, ${bits - n}))`
  const L = [
    `${d} function add(x: v128, y: v128): v128 { return ${vec}.add(x, y) }`,
    `${d} function ch(x: v128, y: v128, z: v128): v128 { return v128.bitselect(y, z, x) }`,
  ]
  if (family === 'sha1') {
    L.push(`/** maj(x, y, z): x where y and z differ, else y. */`)
    L.push(`${d} function maj(x: v128, y: v128, z: v128): v128 { return v128.bitselect(x, y, v128.xor(y, z)) }`)
    L.push(`${d} function parity(x: v128, y: v128, z: v128): v128 { return v128.xor(v128.xor(x, y), z) }`)
    L.push(`/** Lane-wise rotation left; \`n\` is a constant after inlining (0 < n < 32). */`)
    L.push(`${d} function rotl(x: v128, n: i32): v128 { return v128.or(${vec}.shl(x, n), ${vec}.shr_u(x, 32 - n)) }`)
  } else {
    const s = SIGMA[bits]
    const x3 = (a, b, c) => `v128.xor(v128.xor(${a}, ${b}), ${c})`
    L.push(`${d} function ssig0(x: v128): v128 { return ${x3(rotr('x', s.ssig0[0]), rotr('x', s.ssig0[1]), `${vec}.shr_u(x, ${s.ssig0[2]})`)} }`)
    L.push(`${d} function ssig1(x: v128): v128 { return ${x3(rotr('x', s.ssig1[0]), rotr('x', s.ssig1[1]), `${vec}.shr_u(x, ${s.ssig1[2]})`)} }`)
    L.push(`${d} function bsig0(x: v128): v128 { return ${x3(rotr('x', s.bsig0[0]), rotr('x', s.bsig0[1]), rotr('x', s.bsig0[2]))} }`)
    L.push(`${d} function bsig1(x: v128): v128 { return ${x3(rotr('x', s.bsig1[0]), rotr('x', s.bsig1[1]), rotr('x', s.bsig1[2]))} }`)
  }
  return L
}

function emit(family) {
  const f = FAMILIES[family]
  const shape = SHAPES[family]
  const ops = wordOps(f.bits)
  const x = shape.file
  const B = [] // the functions; the constant table they fill goes before them
  const n = f.digestWords
  const blockBits = BigInt(f.blockBytes * 8)
  const high = 1n << BigInt(f.bits - 1)
  const L = []
  L.push(`// generated by scripts/gen-sha-simd.js, do not edit`)
  L.push(`//`)
  L.push(`// ${f.name} compression (FIPS 180-4), fully unrolled over ${shape.lanes} lanes of ${shape.vec}: ${shape.lanes} messages`)
  L.push(`// at once. States and blocks are transposed: word i of every lane is the v128 at +16 * i.`)
  L.push(``)
  L.push(...helpers(family, shape, f.bits))
  L.push(``)

  const generic = Array.from({ length: 16 }, (_, i) => local(`w${i}`))
  B.push(`/** Compresses one block per lane (transposed native words at \`block\`) into the state, in place. */`)
  B.push(`export function ${x}Compress(state: usize, block: usize): void {`)
  for (let i = 0; i < 16; i++) B.push(`  const w${i} = v128.load(block, ${i * 16})`)
  B.push(...loadState(f), ...rounds(family, generic, ops), ...storeState(f, 'state'))
  B.push(`}`, ``)

  const counter = Array.from({ length: 16 }, () => konst(0n))
  if (f.bits === 32) {
    counter[0] = local('hi')
    counter[1] = local('lo')
    counter[2] = konst(high)
  } else {
    counter[0] = local('w0')
    counter[1] = konst(high)
  }
  counter[15] = konst(blockBits + 64n)
  B.push(`/**`)
  B.push(` * Compresses the HMAC inner block of each lane's 8-byte big-endian counter (RFC 4226 5.2, RFC 2104`)
  B.push(
    f.bits === 32
      ? ` * step 4): at \`ctr\`, a row of the counters' high halves, then a row of their low halves.`
      : ` * step 4): at \`ctr\`, a row of u64 counters.`,
  )
  B.push(` * The padding words are constants. Writes the resulting states to \`out\` (transposed native`)
  B.push(` * words); \`state\` is left unchanged.`)
  B.push(` */`)
  B.push(`export function ${x}CompressCounter(state: usize, ctr: usize, out: usize): void {`)
  if (f.bits === 32) B.push(`  const hi = v128.load(ctr, 0)`, `  const lo = v128.load(ctr, 16)`)
  else B.push(`  const w0 = v128.load(ctr, 0)`)
  B.push(...loadState(f), ...rounds(family, counter, ops), ...storeState(f, 'out'))
  B.push(`}`, ``)

  const digest = Array.from({ length: 16 }, () => konst(0n))
  for (let i = 0; i < n; i++) digest[i] = local(`w${i}`)
  digest[n] = konst(high)
  digest[15] = konst(blockBits + BigInt(n * f.bits))
  B.push(`/**`)
  B.push(` * Compresses the HMAC outer block over the inner digests at \`inner\` (as written by`)
  B.push(` * ${x}CompressCounter; RFC 2104 step 7). Writes the HMACs to \`out\` as transposed native words.`)
  B.push(` */`)
  B.push(`export function ${x}CompressDigest(state: usize, inner: usize, out: usize): void {`)
  for (let i = 0; i < n; i++) B.push(`  const w${i} = v128.load(inner, ${i * 16})`)
  B.push(...loadState(f), ...rounds(family, digest, ops), ...storeState(f, 'out'))
  B.push(`}`, ``)
  // The constants, one 16-byte row each (the value in every lane), in order of first use.
  const rows = [...ops.table.keys()]
  const type = f.bits === 32 ? 'u32' : 'u64'
  L.push(`/** Splatted constants (round constants, folded padding words), one row per constant. */`)
  L.push(`const K: usize = memory.data<${type}>([`)
  for (const c of rows) L.push(`  ${Array(shape.lanes).fill(ops.hex(c)).join(', ')},`)
  L.push(`])`)
  L.push(`/** Row \`row\` of K: one constant in every lane. */`)
  L.push(`// @ts-ignore: decorator`)
  L.push(`@inline function k(row: usize): v128 { return v128.load(K + (row << 4)) }`)
  L.push(``)
  L.push(...B)
  return L.join('\n')
}

/** The generated files, by path relative to the repository root. */
export function generate() {
  return Object.fromEntries(Object.keys(SHAPES).map((h) => [`assembly/simd/${SHAPES[h].file}.ts`, emit(h)]))
}

/** Writes the generated files (or, with check, reports those that differ); returns the changed paths. */
export function writeGenerated({ check = false } = {}) {
  const changed = []
  for (const [path, text] of Object.entries(generate())) {
    const url = new URL(path, ROOT)
    let old = null
    try {
      old = readFileSync(url, 'utf8')
    } catch {}
    if (old === text) continue
    changed.push(path)
    if (!check) writeFileSync(url, text)
  }
  return changed
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check')
  const changed = writeGenerated({ check })
  if (check && changed.length) {
    console.error(`out of date (run node scripts/gen-sha-simd.js): ${changed.join(', ')}`)
    process.exit(1)
  }
  if (!check) console.log(changed.length ? `wrote ${changed.join(', ')}` : 'generated files up to date')
}

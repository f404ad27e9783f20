// Emits assembly/generated/simd/sha1x4.ts, sha256x4.ts and sha512x2.ts: the compression functions of
// scripts/gen-sha.js over WebAssembly SIMD lanes. SHA-1 and SHA-256 hash 4 independent messages at
// once (i32x4, one u32 lane each), SHA-512 hashes 2 (i64x2, one u64 lane each).
//
// Blocks and states are transposed in memory: word i of every lane sits in one 16-byte row, so a
// whole word loads with one v128.load. For 32-bit words (SHA-512 has two 8-byte lanes per row):
//
//          +0       +4       +8       +12
//   +0     w0 [0]   w0 [1]   w0 [2]   w0 [3]     w0 of lanes 0..3
//   +16    w1 [0]   w1 [1]   w1 [2]   w1 [3]
//   ...
//   +16i   wi [0]   wi [1]   wi [2]   wi [3]
//
// A block is the first 16 rows of a schedule array `w` of as many rows as the hash has rounds; SHA-2
// overwrites the array with W[t] + K[t], what round t adds. Each family exports, with lanes:
//   <h>Compress(state, w, out)         any block (key setup); out = state + compression (may be state)
//   <h>CompressCounter(state, w, out)  the HMAC inner block of each lane's 8-byte counter: rows 0 and
//                                      1 hold the counters' high and low halves (SHA-512: row 0 holds
//                                      u64 counters)
//   <h>CompressDigest(state, w, out)   the HMAC outer block: rows 0.. hold the inner digests, as the
//                                      counter compression writes them when its out is this w
//   sha1x4CompressZero(state)          SHA-1 only: a block of zeros in every lane (the unused tail of
//                                      an OCRA question field), in place, with no schedule at all
// The HMAC blocks' other rows (0x80, zeros, bit length) are constants that the functions supply.
//
// Two shapes, chosen by measurement on x64 (V8, AMD Zen 4):
// - SHA-1 is fully unrolled, with the HMAC blocks' constant words folded into the schedule and the
//   round additions, as in the scalar files: its two HMAC compressions (~3,300 instructions) fit the
//   CPU's decoded-instruction cache.
// - SHA-256 and SHA-512 unrolled that way take ~8,500 and ~10,600 instructions per HMAC, which do
//   not fit; decoding then bounds them. Their rounds run in a loop of 8 unrolled rounds (the
//   working variables are renamed, not moved, so 8 rounds bring every name back to its place) over
//   rows of W[t] + K[t]. The schedules of the two HMAC blocks stay unrolled, their constant words
//   folded (8% faster than a schedule loop); a generic block's schedule is a loop. Measured on
//   scans: 35% faster than fully unrolled; 16 rounds per iteration are slower again.
//
// Rotations are shl | shr_u pairs with constant counts (WebAssembly SIMD has no rotate). Additions
// are ordered so that the newest working variable enters last, which shortens the round's critical
// path (the engine does not reassociate).
//
// Usage: node scripts/gen-sha-simd.js          writes the files
//        node scripts/gen-sha-simd.js --check  fails if a committed file differs from the generator
import { FAMILIES, SHA1_K, runAsCommand, writeFiles } from './gen-sha.js'

/** Output file, lane count and SIMD shape of each family. */
const SHAPES = {
  sha1: { file: 'sha1x4', lanes: 4, vec: 'i32x4', word: 'u32' },
  sha256: { file: 'sha256x4', lanes: 4, vec: 'i32x4', word: 'u32' },
  sha512: { file: 'sha512x2', lanes: 2, vec: 'i64x2', word: 'u64' },
}

/** Rotation and shift counts of the SHA-2 sigma functions (FIPS 180-4 4.1.2, 4.1.3). */
const SIGMA = {
  32: { ssig0: [7, 18, 3], ssig1: [17, 19, 10], bsig0: [2, 13, 22], bsig1: [6, 11, 25] },
  64: { ssig0: [1, 8, 7], ssig1: [19, 61, 6], bsig0: [28, 34, 39], bsig1: [14, 18, 41] },
}

const VARS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
const DECORATE = `// @ts-ignore: decorator\n@inline`

// Symbolic message words: { c: bigint } is the same constant in every lane, { v: string } an
// expression (a local, or a load of a row).
const konst = (c) => ({ c })
const expr = (v) => ({ v })

/**
 * Word arithmetic at generation time, and the file's table of splatted constants: `row(c)` is the
 * row of c in the table (added on first use), so every constant is loaded from static data with one
 * v128.load instead of being rebuilt in registers at each use.
 */
function wordOps(bits) {
  const mask = (1n << BigInt(bits)) - 1n
  const table = new Map()
  const row = (c) => {
    const key = c & mask
    if (!table.has(key)) table.set(key, table.size)
    return table.get(key)
  }
  const hex = (x) => '0x' + (x & mask).toString(16).padStart(bits / 4, '0')
  const rotr = (x, n) => ((x >> BigInt(n)) | (x << BigInt(bits - n))) & mask
  const rotl = (x, n) => rotr(x, bits - n)
  const s = SIGMA[bits]
  const sig = {
    ssig0: (x) => rotr(x, s.ssig0[0]) ^ rotr(x, s.ssig0[1]) ^ (x >> BigInt(s.ssig0[2])),
    ssig1: (x) => rotr(x, s.ssig1[0]) ^ rotr(x, s.ssig1[1]) ^ (x >> BigInt(s.ssig1[2])),
  }
  return { mask, hex, rotl, sig, table, row }
}

/** Sums terms left to right with add(): add(add(x, y), z). */
const sum = (terms) => terms.reduce((acc, t) => `add(${acc}, ${t})`)

/** A constant in every lane: a row of the file's table, named by its value in a comment. */
const splat = (ops, c) => `k(${ops.row(c)} /* ${ops.hex(c)} */)`

/** The 16 words of the HMAC inner block: the counter, 0x80 and zeros, the bit length (RFC 2104 step 4). */
function counterBlock(f, words) {
  const W = Array.from({ length: 16 }, () => konst(0n))
  words.forEach((w, i) => (W[i] = w))
  W[words.length] = konst(1n << BigInt(f.bits - 1))
  W[15] = konst(BigInt(f.blockBytes * 8) + 64n)
  return W
}

/** The 16 words of the HMAC outer block over an n-word inner digest (RFC 2104 step 7). */
function digestBlock(f, words) {
  const n = f.digestWords
  const W = Array.from({ length: 16 }, () => konst(0n))
  words.forEach((w, i) => (W[i] = w))
  W[n] = konst(1n << BigInt(f.bits - 1))
  W[15] = konst(BigInt(f.blockBytes * 8) + BigInt(n * f.bits))
  return W
}

// ---- SHA-1: fully unrolled, constants folded -------------------------------------------------

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
  return expr(`w${t}`)
}

/** The 80 unrolled rounds of SHA-1 over the symbolic block `W0`; returns the body lines. */
function roundsSha1(W0, ops) {
  const W = [...W0]
  const lines = []
  const addend = (k, w) => ('c' in w ? splat(ops, k + w.c) : `add(${w.v}, ${splat(ops, k)})`)
  let v = VARS.slice(0, 5)
  for (let t = 0; t < 80; t++) {
    if (t >= 16) W[t] = scheduleSha1(W, t, ops, lines)
    const [a, b, c, d, e] = v
    const fn = t < 20 ? `ch(${b}, ${c}, ${d})` : t >= 40 && t < 60 ? `maj(${b}, ${c}, ${d})` : `parity(${b}, ${c}, ${d})`
    const k = BigInt(SHA1_K[Math.floor(t / 20)])
    lines.push(`  ${e} = ${sum([e, addend(k, W[t]), fn, `rotl(${a}, 5)`])}; ${b} = rotl(${b}, 30)`)
    v = [e, a, b, c, d]
  }
  return lines
}

function emitSha1(f, _shape) {
  const ops = wordOps(32)
  const rows = (ptr, n) => Array.from({ length: n }, (_, i) => `  const w${i} = v128.load(${ptr}, ${i * 16})`)
  const body = (W) => [
    ...Array.from({ length: 5 }, (_, i) => `  const s${i} = v128.load(state, ${i * 16})`),
    `  let ${VARS.slice(0, 5)
      .map((v, i) => `${v} = s${i}`)
      .join(', ')}`,
    ...roundsSha1(W, ops),
    ...Array.from({ length: 5 }, (_, i) => `  v128.store(out, add(s${i}, ${VARS[i]}), ${i * 16})`),
  ]
  const B = []
  B.push(`/** Compresses the block in rows 0..15 of \`w\` (one per lane) into \`state\`; writes the result to \`out\`. */`)
  B.push(`export function sha1x4Compress(state: usize, w: usize, out: usize): void {`)
  B.push(...rows('w', 16), ...body(Array.from({ length: 16 }, (_, i) => expr(`w${i}`))), `}`, ``)
  B.push(`/**`)
  B.push(` * Compresses the HMAC inner block of each lane's 8-byte big-endian counter (RFC 4226 5.2, RFC 2104`)
  B.push(` * step 4): rows 0 and 1 of \`w\` hold the counters' high and low halves; the padding is folded in.`)
  B.push(` */`)
  B.push(`export function sha1x4CompressCounter(state: usize, w: usize, out: usize): void {`)
  B.push(...rows('w', 2), ...body(counterBlock(f, [expr('w0'), expr('w1')])), `}`, ``)
  B.push(`/** sha1x4Compress of a block of zeros in every lane, into \`state\` in place: the schedule is all zero. */`)
  B.push(`export function sha1x4CompressZero(state: usize): void {`)
  const zeros = Array.from({ length: 16 }, () => konst(0n))
  B.push(...body(zeros).map((line) => line.replace('v128.store(out,', 'v128.store(state,')), `}`, ``)
  B.push(`/** Compresses the HMAC outer block over the inner digests in rows 0..4 of \`w\` (RFC 2104 step 7). */`)
  B.push(`export function sha1x4CompressDigest(state: usize, w: usize, out: usize): void {`)
  B.push(
    ...rows('w', 5),
    ...body(
      digestBlock(
        f,
        Array.from({ length: 5 }, (_, i) => expr(`w${i}`)),
      ),
    ),
    `}`,
    ``,
  )
  const d = DECORATE
  const H = [
    `${d} function add(x: v128, y: v128): v128 { return i32x4.add(x, y) }`,
    `${d} function ch(x: v128, y: v128, z: v128): v128 { return v128.bitselect(y, z, x) }`,
    `/** maj(x, y, z): x where y and z differ, else y. */`,
    `${d} function maj(x: v128, y: v128, z: v128): v128 { return v128.bitselect(x, y, v128.xor(y, z)) }`,
    `${d} function parity(x: v128, y: v128, z: v128): v128 { return v128.xor(v128.xor(x, y), z) }`,
    `/** Lane-wise rotation left; \`n\` is a constant after inlining (0 < n < 32). */`,
    `${d} function rotl(x: v128, n: i32): v128 { return v128.or(i32x4.shl(x, n), i32x4.shr_u(x, 32 - n)) }`,
  ]
  return { helpers: H, ops, functions: B }
}

// ---- SHA-2: rolled rounds, unrolled HMAC schedules -------------------------------------------

/**
 * The message schedule of a block (FIPS 180-4 6.2.2, 6.4.2: W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15])
 * + W[t-16]), unrolled, with the block's constant words folded. Row t receives W[t] + K[t], what
 * round t adds; the schedule itself runs on locals.
 */
function scheduleSha2(W0, K, ops) {
  const rounds = K.length
  const W = [...W0]
  const lines = []
  const put = (t) => lines.push(`  v128.store(w, ${'c' in W[t] ? splat(ops, K[t] + W[t].c) : `add(${W[t].v}, k(${t}))`}, ${t * 16})`)
  for (let i = 0; i < 16; i++) put(i)
  for (let t = 16; t < rounds; t++) {
    let c = 0n
    const terms = []
    const add = (x, fn) => {
      if ('c' in x) c += fn ? ops.sig[fn](x.c) : x.c
      else terms.push(fn ? `${fn}(${x.v})` : x.v)
    }
    add(W[t - 16], null)
    add(W[t - 7], null)
    add(W[t - 15], 'ssig0')
    add(W[t - 2], 'ssig1')
    c &= ops.mask
    if (terms.length === 0) W[t] = konst(c)
    else {
      if (c !== 0n) terms.unshift(splat(ops, c))
      lines.push(`  const w${t} = ${sum(terms)}`)
      W[t] = expr(`w${t}`)
    }
    put(t)
  }
  return lines
}

function emitSha2(family, f, shape) {
  const ops = wordOps(f.bits)
  const x = shape.file
  const n = f.digestWords
  const R = f.rounds
  // The round constants first, in order: rows 0 .. R - 1 of the table are K[0] .. K[R - 1].
  f.k.forEach((k) => ops.row(k))
  if (ops.table.size !== R) throw new Error(`${family}: repeated round constants`)
  const B = []
  // Rounds: a loop of 8, over the schedule rows and the constant rows.
  B.push(`/**`)
  B.push(` * The ${R} rounds over the rows of \`w\` (row t: W[t] + K[t]), 8 per iteration; writes state + result`)
  B.push(` * to \`out\`.`)
  B.push(` * maj(a, b, c) is b ^ ((a ^ b) & (b ^ c)), and b ^ c is the previous round's a ^ b: carried over.`)
  B.push(` */`)
  B.push(`function rounds(state: usize, w: usize, out: usize): void {`)
  B.push(`  let ${VARS.map((v, i) => `${v} = v128.load(state, ${i * 16})`).join(', ')}`)
  B.push(`  let bc = v128.xor(b, c), ab = bc`)
  B.push(`  for (let t: usize = 0; t < ${R * 16}; t += 128) {`)
  B.push(`    const wt = w + t`)
  let v = [...VARS]
  for (let r = 0; r < 8; r++) {
    const [a, b, c, d, e, f2, g, h] = v
    const kw = `v128.load(wt, ${r * 16})`
    B.push(
      `    ${h} = ${sum([h, kw, `ch(${e}, ${f2}, ${g})`, `bsig1(${e})`])}; ${d} = add(${d}, ${h}); ` +
        `ab = v128.xor(${a}, ${b}); ${h} = ${sum([h, `v128.xor(${b}, v128.and(ab, bc))`, `bsig0(${a})`])}; bc = ab`,
    )
    v = [h, a, b, c, d, e, f2, g]
  }
  B.push(`  }`)
  VARS.forEach((name, i) => B.push(`  v128.store(out, add(v128.load(state, ${i * 16}), ${name}), ${i * 16})`))
  B.push(`}`, ``)

  B.push(`/**`)
  B.push(` * Compresses the block in rows 0..15 of \`w\` (one per lane) into \`state\`; writes the result to \`out\`.`)
  B.push(` * The schedule is a loop (key setup only: the HMAC blocks have their own), then K is added to every row.`)
  B.push(` */`)
  B.push(`export function ${x}Compress(state: usize, w: usize, out: usize): void {`)
  B.push(`  for (let p = w + 256; p < w + ${R * 16}; p += 16) {`)
  B.push(`    v128.store(p, add(add(add(v128.load(p - 256), v128.load(p - 112)), ssig0(v128.load(p - 240))), ssig1(v128.load(p - 32))))`)
  B.push(`  }`)
  B.push(`  for (let t: usize = 0; t < ${R * 16}; t += 16) v128.store(w + t, add(v128.load(w + t), v128.load(K + t)))`)
  B.push(`  rounds(state, w, out)`)
  B.push(`}`, ``)

  const counterWords = f.bits === 32 ? [expr('w0'), expr('w1')] : [expr('w0')]
  const counter = counterBlock(f, counterWords)
  B.push(`/**`)
  B.push(` * Compresses the HMAC inner block of each lane's 8-byte big-endian counter (RFC 4226 5.2, RFC 2104`)
  B.push(
    f.bits === 32
      ? ` * step 4): rows 0 and 1 of \`w\` hold the counters' high and low halves. The schedule is unrolled`
      : ` * step 4): row 0 of \`w\` holds the u64 counters. The schedule is unrolled`,
  )
  B.push(` * with the padding words folded into W[t] + K[t], which it stores in row t for the rounds.`)
  B.push(` */`)
  B.push(`export function ${x}CompressCounter(state: usize, w: usize, out: usize): void {`)
  counterWords.forEach((_, i) => B.push(`  const w${i} = v128.load(w, ${i * 16})`))
  B.push(...scheduleSha2(counter, f.k, ops), `  rounds(state, w, out)`, `}`, ``)

  const digestWords = Array.from({ length: n }, (_, i) => expr(`w${i}`))
  B.push(`/**`)
  B.push(` * Compresses the HMAC outer block over the inner digests in rows 0..${n - 1} of \`w\` (RFC 2104 step 7);`)
  B.push(` * the schedule is unrolled with the padding words folded into W[t] + K[t], stored in row t.`)
  B.push(` */`)
  B.push(`export function ${x}CompressDigest(state: usize, w: usize, out: usize): void {`)
  digestWords.forEach((_, i) => B.push(`  const w${i} = v128.load(w, ${i * 16})`))
  B.push(...scheduleSha2(digestBlock(f, digestWords), f.k, ops), `  rounds(state, w, out)`, `}`, ``)

  const { vec } = shape
  const bits = f.bits
  const rotr = (x2, k) => `v128.or(${vec}.shr_u(${x2}, ${k}), ${vec}.shl(${x2}, ${bits - k}))`
  const x3 = (a, b, c) => `v128.xor(v128.xor(${a}, ${b}), ${c})`
  const s = SIGMA[bits]
  const d = DECORATE
  const H = [
    `${d} function add(x: v128, y: v128): v128 { return ${vec}.add(x, y) }`,
    `${d} function ch(x: v128, y: v128, z: v128): v128 { return v128.bitselect(y, z, x) }`,
    `${d} function ssig0(x: v128): v128 { return ${x3(rotr('x', s.ssig0[0]), rotr('x', s.ssig0[1]), `${vec}.shr_u(x, ${s.ssig0[2]})`)} }`,
    `${d} function ssig1(x: v128): v128 { return ${x3(rotr('x', s.ssig1[0]), rotr('x', s.ssig1[1]), `${vec}.shr_u(x, ${s.ssig1[2]})`)} }`,
    `${d} function bsig0(x: v128): v128 { return ${x3(rotr('x', s.bsig0[0]), rotr('x', s.bsig0[1]), rotr('x', s.bsig0[2]))} }`,
    `${d} function bsig1(x: v128): v128 { return ${x3(rotr('x', s.bsig1[0]), rotr('x', s.bsig1[1]), rotr('x', s.bsig1[2]))} }`,
  ]
  return { helpers: H, ops, functions: B }
}

function emit(family) {
  const f = FAMILIES[family]
  const shape = SHAPES[family]
  const { helpers, ops, functions } = family === 'sha1' ? emitSha1(f, shape) : emitSha2(family, f, shape)
  const L = []
  L.push(`// generated by scripts/gen-sha-simd.js, do not edit`)
  L.push(`//`)
  L.push(`// ${f.name} compression (FIPS 180-4) over ${shape.lanes} lanes of ${shape.vec}: ${shape.lanes} messages at once.`)
  L.push(`// Blocks and states are transposed: word i of every lane is the 16-byte row at +16 * i.`)
  L.push(
    family === 'sha1'
      ? `// Fully unrolled; the HMAC blocks' constant words are folded into the instructions.`
      : `// Rounds in a loop of 8; the HMAC blocks' schedules unrolled, their constant words folded.`,
  )
  L.push(``)
  L.push(...helpers, ``)
  L.push(
    family === 'sha1'
      ? `/** Splatted constants (round constants, folded padding words), one 16-byte row each. */`
      : `/** Splatted constants, one 16-byte row each: the ${f.rounds} round constants in order, then folded schedule words. */`,
  )
  L.push(`const K: usize = memory.data<${shape.word}>([`)
  for (const c of ops.table.keys()) L.push(`  ${Array(shape.lanes).fill(ops.hex(c)).join(', ')},`)
  L.push(`])`)
  L.push(`/** Row \`row\` of K: one constant in every lane. */`)
  L.push(`${DECORATE} function k(row: usize): v128 { return v128.load(K + (row << 4)) }`)
  L.push(``)
  L.push(...functions)
  return L.join('\n')
}

/** The generated files, by path relative to the repository root. */
export function generate() {
  return Object.fromEntries(Object.keys(SHAPES).map((h) => [`assembly/generated/simd/${SHAPES[h].file}.ts`, emit(h)]))
}

/** Writes the generated files (or, with check, reports those that differ); returns the changed paths. */
export function writeGenerated({ check = false } = {}) {
  return writeFiles(generate(), { check })
}

runAsCommand(import.meta.url, writeGenerated)

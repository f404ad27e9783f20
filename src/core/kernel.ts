/**
 * The contract between the public API and the engines that compute codes.
 *
 * A Kernel trusts its inputs: the public boundary (src/validate.ts) has already checked every key,
 * counter, digit count and window, so a kernel never throws for bad input and never allocates per
 * counter. The WASM kernel and the JS kernel implement this same interface and must agree bit for bit.
 *
 * Counters are 64-bit and cross this interface as two uint32 halves (`hi`, `lo`), so that no BigInt
 * is allocated on a hot path.
 */

/** The hash functions of RFC 6238, by their name in otpauth URIs and in the public API. */
export const ALGORITHMS = ['SHA1', 'SHA256', 'SHA512'] as const
export type Algorithm = (typeof ALGORITHMS)[number]

/** A hash function's number inside the kernels: the index of its name in ALGORITHMS. */
export type AlgorithmId = 0 | 1 | 2
export const SHA1: AlgorithmId = 0
export const SHA256: AlgorithmId = 1
export const SHA512: AlgorithmId = 2

/** Which implementation computes the codes. */
export type Backend = 'wasm-simd' | 'wasm' | 'js'

/** `verify` found no code in the window. */
export const NO_MATCH = 0x7fffffff

/**
 * Bytes of a prepared key: the HMAC midstates of RFC 2104 section 2, H(IV, K ^ ipad) at +0 and
 * H(IV, K ^ opad) at +64, each the hash's chaining words in little-endian order (u32 words for
 * SHA-1 and SHA-256, u64 words for SHA-512), zeros after. Every kernel reads and writes this one
 * layout (it is the WASM kernel's midstate slot), so prepared keys move between backends and threads.
 */
export const PREPARED_KEY_BYTES = 128

/** A prepared key as the single-key entry points take it: its 32 little-endian words (a Uint32Array over its bytes). */
export const PREPARED_KEY_WORDS = 32

/**
 * Set in a batch's `keyAlgorithms[k]` (above the AlgorithmId) when key k's bytes are a prepared key
 * (PREPARED_KEY_BYTES of midstates) rather than the raw key: the kernel skips its key setup.
 */
export const PREPARED_KEY = 4

/**
 * A batch of records in columns: the form batches take past the convenience layer.
 *
 * Keys are stored once each (identity providers verify many codes of the same user) and records
 * point at them. Record i checks `code[i]` against the counters
 * `counter(i) - behind[i] ... counter(i) + ahead[i]`, where `counter(i) = counterHi[i] * 2^32 + counterLo[i]`.
 * The packer guarantees that this range stays inside [0, 2^64 - 1].
 */
export interface PackedBatch {
  /** Number of records. */
  readonly count: number
  /** All keys, back to back. */
  readonly keyBytes: Uint8Array
  /** Key k is `keyBytes.subarray(keyOffsets[k], keyOffsets[k + 1])`; length = number of keys + 1. */
  readonly keyOffsets: Uint32Array
  /** The AlgorithmId of each key's HMAC, with PREPARED_KEY added where the key's bytes are midstates. */
  readonly keyAlgorithms: Uint8Array
  /** Per record: which key. */
  readonly keyIndex: Uint32Array
  /** Per record: the counter (HOTP) or time step (TOTP), high and low 32 bits. */
  readonly counterHi: Uint32Array
  readonly counterLo: Uint32Array
  /**
   * Per record: the code as an integer below 2^31 (leading zeros are carried by `digits`; a longer
   * code can never match and is answered at the boundary). Ignored by generate.
   */
  readonly code: Uint32Array
  /** Per record: 6 to 10. */
  readonly digits: Uint8Array
  /** Per record: how many steps before and after the counter the window reaches (0 for generate). */
  readonly behind: Uint32Array
  readonly ahead: Uint32Array
}

export interface Kernel {
  readonly backend: Backend

  /** The HOTP value of RFC 4226 section 5.3, already reduced modulo 10^digits. */
  hotp(alg: AlgorithmId, key: Uint8Array, hi: number, lo: number, digits: number): number

  /**
   * Checks `code` against every counter in `counter - behind ... counter + ahead`, in constant time
   * over the whole window (every counter is computed and compared, whatever matches), and returns the
   * matched delta: the one closest to 0, and of two equally close the negative one (0, -1, +1, -2, ...).
   * Returns NO_MATCH when nothing matches.
   */
  verify(alg: AlgorithmId, key: Uint8Array, hi: number, lo: number, code: number, digits: number, behind: number, ahead: number): number

  /**
   * The resync scan of RFC 4226 section 7.4: the smallest offset i in [0, count) such that
   * `codes[j] == hotp(from + i + j)` for every j, or -1. `codes` holds 1 to 16 codes; the caller
   * guarantees `from + count - 1 + codes.length - 1 <= 2^64 - 1`. A kernel may split long scans
   * into chunks internally (V8 tiers a WASM function up between calls, not during one).
   */
  scan(alg: AlgorithmId, key: Uint8Array, hi: number, lo: number, count: number, codes: ArrayLike<number>, digits: number): number

  /**
   * Writes the prepared key of `key` (its midstates, in the layout of PREPARED_KEY_BYTES) into the
   * first PREPARED_KEY_BYTES of `out`. Two compressions (plus the hash of a key longer than a block).
   */
  prepareKey(alg: AlgorithmId, key: Uint8Array, out: Uint8Array): void

  /**
   * `hotp` with a prepared key, given as its PREPARED_KEY_WORDS words (so that a kernel copies only
   * the words its hash uses): exactly two compressions.
   */
  hotpPrepared(alg: AlgorithmId, state: Uint32Array, hi: number, lo: number, digits: number): number

  /** `verify` with a prepared key. */
  verifyPrepared(
    alg: AlgorithmId,
    state: Uint32Array,
    hi: number,
    lo: number,
    code: number,
    digits: number,
    behind: number,
    ahead: number,
  ): number

  /** `scan` with a prepared key. */
  scanPrepared(
    alg: AlgorithmId,
    state: Uint32Array,
    hi: number,
    lo: number,
    count: number,
    codes: ArrayLike<number>,
    digits: number,
  ): number

  /** Verifies every record: `delta[i]` gets the matched delta, or NO_MATCH. Key material is wiped after. */
  verifyBatch(batch: PackedBatch, delta: Int32Array): void

  /** Computes `hotp(key, counter)` of every record (`code`, `behind`, `ahead` are ignored). */
  generateBatch(batch: PackedBatch, out: Uint32Array): void
}

// HMAC of longer messages: OCRA (RFC 6287) hashes a suite, a question and more, several blocks long.

/** Longest message Kernel.mac and Kernel.macWindow accept (the WASM kernel's MESSAGE region). */
export const MAX_MESSAGE_BYTES = 4096

/**
 * The fields of a message that Kernel.macWindow patches per candidate: 8-byte big-endian values at
 * byte offsets inside the message, each -1 when the message has no such field. The caller keeps
 * `ahead` and `behind`/`timeAhead` below 32768 and every candidate inside [0, 2^64).
 */
export interface MessageWindow {
  /** Where the counter goes, or -1. */
  readonly counterAt: number
  readonly counterHi: number
  readonly counterLo: number
  /** Counters after the given one to try too: counter + 0 ... counter + ahead. */
  readonly ahead: number
  /** Where the time step goes, or -1. */
  readonly timeAt: number
  readonly timeHi: number
  readonly timeLo: number
  /** Steps before and after the given one to try too. */
  readonly behind: number
  readonly timeAhead: number
}

/**
 * Rows of one message layout, each with its own key: row r is `template` with bytes
 * [patchAt, patchAt + patchLength) replaced by `patches[r * patchLength ...]`. Keys as in PackedBatch
 * (raw keys only).
 */
export interface MessageBatch {
  readonly count: number
  readonly keyBytes: Uint8Array
  readonly keyOffsets: Uint32Array
  readonly keyAlgorithms: Uint8Array
  readonly keyIndex: Uint32Array
  readonly template: Uint8Array
  readonly patchAt: number
  readonly patchLength: number
  readonly patches: Uint8Array
}

/** Kernel.macWindow's answer for a match at counter + c and time step + t. */
export function windowMatch(c: number, t: number): number {
  return c * 65536 + (t + 32768)
}

/** The counter delta and time delta of a Kernel.macWindow answer (not NO_MATCH). */
export function windowDeltas(match: number): { counter: number; time: number } {
  return { counter: Math.floor(match / 65536), time: (match & 0xffff) - 32768 }
}

export interface Kernel {
  /**
   * HMAC(key, message) (RFC 2104): returns its 31-bit dynamic truncation (RFC 4226 section 5.3), and
   * writes the digest into `out` (its first 20, 32 or 64 bytes) when given. Message: at most
   * MAX_MESSAGE_BYTES. Most OCRA codes need only the truncation, and the digest then never leaves the kernel.
   */
  mac(alg: AlgorithmId, key: Uint8Array, message: Uint8Array, out?: Uint8Array): number

  /**
   * `mac` with a prepared key (prepareKey's midstates, as PREPARED_KEY_WORDS words): no key setup, one
   * compression per block of the message and one outer compression. For a key that MACs message
   * after message (the verifier's state MAC key).
   */
  macPrepared(alg: AlgorithmId, state: Uint32Array, message: Uint8Array, out: Uint8Array): void

  /**
   * Checks `code` against the HMACs of every candidate of `window` (see MessageWindow): the 31-bit
   * truncated value (RFC 4226 section 5.3) mod 10^digits, or for `digits` 0 the whole digest against
   * `expected`. Constant time over the window; returns the most preferred match (smallest counter
   * delta, then the time delta closest to 0, negative first) as windowMatch(c, t), or NO_MATCH.
   * Key setup is paid once; blocks before the first patched field are absorbed once.
   */
  macWindow(
    alg: AlgorithmId,
    key: Uint8Array,
    message: Uint8Array,
    window: MessageWindow,
    code: number,
    digits: number,
    expected?: Uint8Array,
  ): number

  /** The 31-bit truncated HMAC value of every row of `batch` into `out`; each key prepared once per call or chunk. */
  macBatch(batch: MessageBatch, out: Uint32Array): void
}

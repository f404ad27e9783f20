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
  /** The AlgorithmId of each key's HMAC. */
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
  verify(
    alg: AlgorithmId,
    key: Uint8Array,
    hi: number,
    lo: number,
    code: number,
    digits: number,
    behind: number,
    ahead: number,
  ): number

  /**
   * The resync scan of RFC 4226 section 7.4: the smallest offset i in [0, count) such that
   * `codes[j] == hotp(from + i + j)` for every j, or -1. `codes` holds 1 to 16 codes; the caller
   * guarantees `from + count - 1 + codes.length - 1 <= 2^64 - 1`. A kernel may split long scans
   * into chunks internally (V8 tiers a WASM function up between calls, not during one).
   */
  scan(
    alg: AlgorithmId,
    key: Uint8Array,
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

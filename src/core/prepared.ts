/**
 * Prepared keys: a secret checked once and its HMAC key set up once (RFC 2104 section 2: the ipad and
 * opad midstates, a key longer than a block hashed first), so that every later code costs exactly two
 * compressions. The token objects (src/tokens) are prepared keys, and batches take them where they
 * take secrets, skipping key setup.
 *
 * The material lives in the object's own typed array, never in kernel memory between calls: each
 * call copies the midstates into the kernel, and the kernel wipes them before it returns. dispose()
 * wipes the array; any use after it throws OtpError('DISPOSED').
 */
import { OtpError } from './errors.js'
import { ALGORITHMS, PREPARED_KEY_BYTES, PREPARED_KEY_WORDS, type Algorithm, type AlgorithmId, type Kernel } from './kernel.js'
import { toKey, type Secret } from './secret.js'
import { checkAlgorithm } from './validate.js'

let materialOf: (key: PreparedKey) => Uint8Array

/**
 * A secret with its HMAC key prepared once. Holds key-equivalent material (the midstates, and the key
 * for `uri()`) until `dispose()`, or the end of a `using` block, wipes it.
 */
export class PreparedKey {
  /** The HMAC's hash. */
  readonly algorithm: Algorithm
  /** The hash's AlgorithmId, for the kernels. */
  readonly #alg: AlgorithmId
  /** The midstates (PREPARED_KEY_BYTES), then the key bytes. */
  readonly #material: Uint8Array
  /** The midstates as the kernels' single-key entry points take them: words over #material. */
  readonly #words: Uint32Array
  #disposed = false

  static {
    materialOf = (key) => key.#live()
  }

  /**
   * Checks `secret` (bytes or base32, 1 to 1024 bytes) and `algorithm`, and prepares the key on
   * `kernel`. Never writes the caller's bytes; base32 is decoded into an array wiped after.
   * @throws OtpError('INVALID_SECRET' | 'INVALID_ALGORITHM')
   */
  protected constructor(secret: Secret, algorithm: unknown, kernel: Kernel) {
    this.#alg = checkAlgorithm(algorithm)
    this.algorithm = ALGORITHMS[this.#alg]
    const key = toKey(secret)
    this.#material = new Uint8Array(PREPARED_KEY_BYTES + key.length)
    this.#words = new Uint32Array(this.#material.buffer, 0, PREPARED_KEY_WORDS)
    kernel.prepareKey(this.#alg, key, this.#material)
    this.#material.set(key, PREPARED_KEY_BYTES)
    if (typeof secret === 'string') key.fill(0)
  }

  /** Whether dispose() has wiped this key. */
  get disposed(): boolean {
    return this.#disposed
  }

  /** Wipes the prepared material; later calls throw OtpError('DISPOSED'). Calling it again does nothing. */
  dispose(): void {
    this.#material.fill(0)
    this.#disposed = true
  }

  /** dispose(), for `using token = new Totp(...)`. */
  [Symbol.dispose](): void {
    this.dispose()
  }

  /** @throws OtpError('DISPOSED') once dispose() has run. */
  protected assertLive(): void {
    this.#live()
  }

  /** The AlgorithmId, checking that the key is not disposed. */
  protected get alg(): AlgorithmId {
    this.#live()
    return this.#alg
  }

  /** The midstates, for a kernel's prepared entry points. */
  protected get state(): Uint32Array {
    this.#live()
    return this.#words
  }

  /** A copy of the key bytes (for a URI); the caller wipes it. */
  protected secretCopy(): Uint8Array {
    return this.#live().slice(PREPARED_KEY_BYTES)
  }

  #live(): Uint8Array {
    if (this.#disposed) throw new OtpError('DISPOSED', `this ${this.constructor.name} was disposed`)
    return this.#material
  }
}

/**
 * The prepared key's material as a batch stores a key (PREPARED_KEY set in its algorithm): the
 * midstates, a view of the object's array (copy before the object can be disposed).
 * @throws OtpError('DISPOSED')
 */
export function preparedMaterial(key: PreparedKey): { alg: AlgorithmId; state: Uint8Array } {
  const material = materialOf(key)
  return { alg: checkAlgorithm(key.algorithm), state: material.subarray(0, PREPARED_KEY_BYTES) }
}

/** Whether a secret given where a Secret or a PreparedKey is accepted is a PreparedKey. */
export function isPrepared(secret: unknown): secret is PreparedKey {
  return secret instanceof PreparedKey
}

/**
 * The algorithm a prepared key is used with: its own. `algorithm` given as well must name the same.
 * @throws OtpError('INVALID_ALGORITHM')
 */
export function preparedAlgorithm(key: PreparedKey, algorithm: unknown): AlgorithmId {
  const own = checkAlgorithm(key.algorithm)
  if (algorithm !== undefined && checkAlgorithm(algorithm) !== own) {
    throw new OtpError(
      'INVALID_ALGORITHM',
      `algorithm ${JSON.stringify(String(algorithm).slice(0, 20))} differs from the prepared key's ${key.algorithm}`,
    )
  }
  return own
}

/** The parameters a token object keeps besides its key (Totp: digits, period, t0; Hotp: digits). */
interface TokenParams {
  readonly digits?: number
  readonly period?: number
  readonly t0?: number
}

/**
 * A batch record whose secret is a token object, with the token's digits, period and t0 where the
 * record leaves them out (a copy); any other record as it is.
 */
export function withTokenParams<R extends { secret: unknown; digits?: number; period?: number; t0?: number }>(record: R): R {
  const token = record.secret
  if (!(token instanceof PreparedKey)) return record
  const own = token as TokenParams
  return { ...record, digits: record.digits ?? own.digits, period: record.period ?? own.period, t0: record.t0 ?? own.t0 }
}

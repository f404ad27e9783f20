/**
 * The columnar batch: records in typed arrays, keys stored once each. A BatchBuilder checks each
 * record as it is added (a bad record is kept as its OtpError, never thrown) and packs the good ones
 * into the PackedBatch the kernels read, with no object per record.
 */
import { OtpError, describe } from '../core/errors.js'
import { PREPARED_KEY, PREPARED_KEY_BYTES, type Algorithm, type PackedBatch } from '../core/kernel.js'
import { isPrepared, preparedAlgorithm, preparedMaterial, type PreparedKey } from '../core/prepared.js'
import { toKey, type Secret } from '../core/secret.js'
import { checkAlgorithm, checkCounter, checkDigits, checkOptions, checkTimeStep, checkWindow, parseCode } from '../core/validate.js'
import { checkKeyBytes, checkKeyColumns, codeAt, readColumns, readOffsets, type HotpColumns, type TotpColumns } from './column-input.js'

/** What a record came to before any kernel ran: an error, or a code that can never match. */
export type Settled = OtpError | null

/** Options of one HOTP record in a batch. */
export interface HotpRecordOptions {
  /** Look-ahead, as in verifyHotp. Default 0. */
  window?: number
  digits?: number
}

/** Options of one TOTP record in a batch. */
export interface TotpRecordOptions {
  /** Steps either way, as in verifyTotp. Default 1. */
  window?: number
  digits?: number
  period?: number
  t0?: number
}

/** A growable typed column. */
class Column<T extends Uint8Array | Uint32Array> {
  data: T
  constructor(
    private readonly make: (n: number) => T,
    initial: number,
  ) {
    this.data = make(initial)
  }
  ensure(n: number): void {
    if (n <= this.data.length) return
    const grown = this.make(Math.max(n, this.data.length * 2))
    grown.set(this.data)
    this.data = grown
  }
}

// One factory per type for every column: optimized code that inlines a column's factory holds it
// weakly, and a factory per column would die with its builder and throw that code away.
const newU32 = (size: number) => new Uint32Array(size)
const newU8 = (size: number) => new Uint8Array(size)
const u32 = (n: number) => new Column(newU32, n)
const u8 = (n: number) => new Column(newU8, n)

/** How many records and keys a BatchBuilder should make room for at once (it grows past them as needed). */
export interface BatchSizeHint {
  records?: number
  keys?: number
  /** Total key bytes; default 20 per key, the length of a 160-bit secret. */
  keyBytes?: number
}

/** The option keys of each BatchBuilder call: any other key is OtpError('INVALID_OPTIONS'). */
const HINT_KEYS: readonly string[] = ['records', 'keys', 'keyBytes']
const HOTP_RECORD_KEYS: readonly string[] = ['window', 'digits']
const TOTP_RECORD_KEYS: readonly string[] = ['window', 'digits', 'period', 't0']
const TIME_KEYS: readonly string[] = ['digits', 'period', 't0']

const hinted = (n: number | undefined, fallback: number) => (Number.isSafeInteger(n) && n! > 0 ? Math.min(n!, 1 << 28) : fallback)

/** A built batch: the packed records for a kernel, and how to put their results back in order. */
export interface PreparedBatch {
  /** Records added, good or bad. */
  readonly size: number
  /** The good records, packed. */
  readonly packed: PackedBatch
  /** Record index of each packed row, when some records were settled before packing; else rows are records. */
  readonly rowRecord: Uint32Array | undefined
  /** Records settled at the boundary: their OtpError, or null for a code that can never match. */
  readonly settled: ReadonlyMap<number, Settled>
}

/**
 * Builds a columnar batch. Add each key once (`addKey`), then records that point at it.
 *
 * Ownership: the builder keeps nothing of the caller's. Each add copies what it needs (key bytes,
 * codes, counters) into the builder's own columns when it is called, reading each input once; the
 * caller's arrays are never written and may be reused at once. While an engine call runs over the
 * builder (verifyColumns, generateColumns), the builder is held: any change to it (add, reset, wipe)
 * throws OtpError('BUILDER_BUSY') until the call settles, so a call always uses the keys and records
 * the builder held when it was made.
 * @example
 * const batch = new BatchBuilder({ records: logins.length, keys: users.length })
 * const alice = batch.addKey(aliceSecret)
 * batch.addTotp(alice, '123456', Date.now() / 1000, { window: 1 })
 * const { delta, status } = await engine.verifyColumns(batch)
 */
export class BatchBuilder {
  private readonly keyBytes: Column<Uint8Array>
  private readonly keyOffsets: Column<Uint32Array>
  private readonly keyAlgorithms: Column<Uint8Array>
  private keys = 0
  private readonly keyErrors = new Map<number, OtpError>()
  private rows = 0
  /** Rows every record column can hold. */
  private capacity: number
  private records = 0
  private readonly keyIndex: Column<Uint32Array>
  private readonly counterHi: Column<Uint32Array>
  private readonly counterLo: Column<Uint32Array>
  private readonly code: Column<Uint32Array>
  private readonly digits: Column<Uint8Array>
  private readonly behind: Column<Uint32Array>
  private readonly ahead: Column<Uint32Array>
  private readonly rowRecord: Column<Uint32Array>
  private readonly settled = new Map<number, Settled>()
  /** Engine calls running over this builder (see hold). */
  private holds = 0

  /** `expected` sizes the columns at once, so that a large batch is not copied as it grows. */
  constructor(expected?: BatchSizeHint) {
    expected = checkOptions(expected, 'BatchBuilder', HINT_KEYS)
    const rows = (this.capacity = hinted(expected.records, 1024))
    const keys = hinted(expected.keys, Math.min(rows, 1024))
    this.keyBytes = u8(hinted(expected.keyBytes, keys * 20))
    this.keyOffsets = u32(keys + 1)
    this.keyAlgorithms = u8(keys)
    this.keyIndex = u32(rows)
    this.counterHi = u32(rows)
    this.counterLo = u32(rows)
    this.code = u32(rows)
    this.digits = u8(rows)
    this.behind = u32(rows)
    this.ahead = u32(rows)
    this.rowRecord = u32(rows)
  }

  /** Records added so far. */
  get size(): number {
    return this.records
  }

  /**
   * Adds a key (a token's secret and its HMAC's hash, default SHA1) and returns its index. A bad
   * secret or algorithm does not throw: every record that uses the key gets that error. A Totp or
   * Hotp (a prepared key) adds its midstates, copied now, and its own algorithm; the kernels then
   * skip its key setup. A disposed one gets OtpError('DISPOSED').
   */
  addKey(secret: Secret | PreparedKey, algorithm?: Algorithm): number {
    this.assertIdle()
    const k = this.keys++
    this.keyOffsets.ensure(k + 2)
    this.keyAlgorithms.ensure(k + 1)
    const start = this.keyOffsets.data[k]!
    this.keyOffsets.data[k + 1] = start
    try {
      if (isPrepared(secret)) {
        this.addPrepared(k, start, secret, algorithm)
        return k
      }
      const alg = checkAlgorithm(algorithm)
      const key = toKey(secret)
      this.keyBytes.ensure(start + key.length)
      // One copy, not a byte loop: secrets read from a store lie scattered in the heap, where a byte
      // loop costs several times more.
      this.keyBytes.data.set(key, start)
      this.keyOffsets.data[k + 1] = start + key.length
      this.keyAlgorithms.data[k] = alg
    } catch (error) {
      this.keyErrors.set(k, asOtpError(error))
    }
    return k
  }

  /**
   * Key `k` from a prepared key (a Totp or Hotp): its midstates copied, flagged PREPARED_KEY, so that
   * the kernels skip its key setup. An `algorithm` given too must be the token's.
   */
  private addPrepared(k: number, start: number, key: PreparedKey, algorithm: unknown): void {
    const alg = preparedAlgorithm(key, algorithm)
    const { state } = preparedMaterial(key)
    this.keyBytes.ensure(start + PREPARED_KEY_BYTES)
    this.keyBytes.data.set(state, start)
    this.keyOffsets.data[k + 1] = start + PREPARED_KEY_BYTES
    this.keyAlgorithms.data[k] = alg + PREPARED_KEY
  }

  /**
   * Adds keys stored back to back, all with one algorithm: key i is
   * `bytes.subarray(offsets[i], offsets[i + 1])`, so n keys take n + 1 offsets. Returns the index of
   * the first; the others follow it. A key whose range is empty, longer than 1024 bytes, or outside
   * `bytes` gets its INVALID_SECRET as addKey would; a bad algorithm, or offsets that are not whole
   * numbers, throw before any key is added.
   */
  addKeys(bytes: Uint8Array, offsets: ArrayLike<number>, algorithm: Algorithm = 'SHA1'): number {
    this.assertIdle()
    const alg = checkAlgorithm(algorithm)
    checkKeyBytes(bytes)
    // The offsets are read once, into the builder's own array, and only that copy is checked and
    // used: offsets that change between two reads (a getter, a Proxy) cannot let a bad key through.
    const at = readOffsets(offsets)
    const problems = checkKeyColumns(bytes, at)
    const n = at.length - 1
    const first = this.keys
    const base = this.keyOffsets.data[first]!
    if (problems.size === 0) {
      // Good keys lie back to back already: one copy, and offsets moved to the builder's.
      const keys = bytes.subarray(at[0], at[n])
      if (keys.length !== at[n]! - at[0]!) throw new OtpError('INVALID_SECRET', `keys' bytes changed length while they were read`)
      this.growKeys(n, alg)
      this.keyBytes.ensure(base + keys.length)
      this.keyBytes.data.set(keys, base)
      const shift = base - at[0]!
      for (let i = 1; i <= n; i++) this.keyOffsets.data[first + i] = at[i]! + shift
      return first
    }
    this.growKeys(n, alg)
    let end = base
    for (let i = 0; i < n; i++) {
      const problem = problems.get(i)
      if (problem) this.keyErrors.set(first + i, problem)
      else {
        const key = bytes.subarray(at[i], at[i + 1])
        this.keyBytes.ensure(end + key.length)
        this.keyBytes.data.set(key, end)
        end += key.length
      }
      this.keyOffsets.data[first + i + 1] = end
    }
    return first
  }

  /** Makes room for `n` more keys of one algorithm. */
  private growKeys(n: number, alg: number): void {
    const first = this.keys
    this.keys += n
    this.keyOffsets.ensure(this.keys + 1)
    this.keyAlgorithms.ensure(this.keys)
    this.keyAlgorithms.data.fill(alg, first, this.keys)
  }

  /** Adds an HOTP record: `code` against `counter ... counter + window`. Returns its record index. */
  addHotp(key: number, code: string, counter: number | bigint, options?: HotpRecordOptions): number {
    return this.hotpRecord(key, code, counter, options, HOTP_RECORD_KEYS)
  }

  /**
   * addHotp, with the option keys it knows (`known`); none checked when undefined, as for the
   * records of verifyBatch, which are their own options.
   * @internal
   */
  hotpRecord(
    key: number,
    code: string,
    counter: number | bigint,
    options: HotpRecordOptions | undefined,
    known?: readonly string[],
  ): number {
    this.assertIdle()
    const record = this.records++
    try {
      options = checkOptions(options, 'addHotp', known)
      this.checkKey(key)
      const digits = checkDigits(options.digits)
      const { hi, lo } = checkCounter(counter)
      this.pushHotp(record, key, parseCode(code, digits), digits, hi, lo, checkWindow(options.window, 0))
    } catch (error) {
      this.settle(record, error)
    }
    return record
  }

  /** Adds a TOTP record: `code` against the steps around `time`. Returns its record index. */
  addTotp(key: number, code: string, time: number, options?: TotpRecordOptions): number {
    return this.totpRecord(key, code, time, options, TOTP_RECORD_KEYS)
  }

  /** addTotp, with the option keys it knows (see hotpRecord). @internal */
  totpRecord(key: number, code: string, time: number, options: TotpRecordOptions | undefined, known?: readonly string[]): number {
    this.assertIdle()
    const record = this.records++
    try {
      options = checkOptions(options, 'addTotp', known)
      this.checkKey(key)
      const digits = checkDigits(options.digits)
      const step = checkTimeStep(time, options.period, options.t0)
      this.pushTotp(record, key, parseCode(code, digits), digits, step, checkWindow(options.window, 1))
    } catch (error) {
      this.settle(record, error)
    }
    return record
  }

  /**
   * Adds HOTP records from columns: record i checks `codes[i]` against `counters[i] ...
   * counters[i] + window` with key `keys[i]`; the options hold for every record of the call.
   * Returns the index of the first record; the others follow it. A bad record is kept as its
   * OtpError, as addHotp keeps it; bad options or columns of different lengths throw before any
   * record is added.
   */
  addHotpColumns(columns: HotpColumns, options?: HotpRecordOptions): number {
    this.assertIdle()
    const o = checkOptions(options, 'addHotpColumns', HOTP_RECORD_KEYS)
    // Each column read once (typed ones copied), and each entry once, as its record is added.
    const { n, keys, codes, values: counters } = readColumns(columns, 'counters')
    const digits = checkDigits(o.digits)
    const window = checkWindow(o.window, 0)
    return this.addRecords(n, (i, record) => {
      const key = keys[i]!
      this.checkKey(key)
      const { hi, lo } = checkCounter(counters[i])
      this.pushHotp(record, key, codeAt(codes, i, digits), digits, hi, lo, window)
    })
  }

  /**
   * Adds TOTP records from columns: record i checks `codes[i]` against the steps around `times[i]`
   * (unix seconds) with key `keys[i]`; the options hold for every record of the call. Returns the
   * index of the first record; the others follow it. A bad record is kept as its OtpError, as addTotp
   * keeps it; bad options or columns of different lengths throw before any record is added.
   * @example
   * const first = batch.addKeys(secretBytes, secretOffsets)           // n keys back to back
   * batch.addTotpColumns({ keys: keyOfLogin, codes, times }, { window: 1 })
   */
  addTotpColumns(columns: TotpColumns, options?: TotpRecordOptions): number {
    this.assertIdle()
    const o = checkOptions(options, 'addTotpColumns', TOTP_RECORD_KEYS)
    const { n, keys, codes, values: times } = readColumns(columns, 'times')
    const digits = checkDigits(o.digits)
    const window = checkWindow(o.window, 1)
    const { period, t0 } = o
    checkTimeStep(t0 ?? 0, period, t0)
    return this.addRecords(n, (i, record) => {
      const key = keys[i]!
      this.checkKey(key)
      const time = times[i]
      if (typeof time !== 'number')
        throw new OtpError('INVALID_TIME', `times[${i}] must be a number of unix seconds, got ${describe(time)}`)
      this.pushTotp(record, key, codeAt(codes, i, digits), digits, checkTimeStep(time, period, t0), window)
    })
  }

  /** Adds a record to generate a code for (generateColumns): `hotp(key, counter)`. */
  addCounter(key: number, counter: number | bigint, digits?: number): number {
    this.assertIdle()
    const record = this.records++
    try {
      this.checkKey(key)
      const d = checkDigits(digits)
      const { hi, lo } = checkCounter(counter)
      this.pushHotp(record, key, 0, d, hi, lo, 0)
    } catch (error) {
      this.settle(record, error)
    }
    return record
  }

  /** Adds a record to generate the TOTP code at `time` for (generateColumns). */
  addTime(key: number, time: number, options?: Omit<TotpRecordOptions, 'window'>): number {
    return this.timeRecord(key, time, options, TIME_KEYS)
  }

  /** addTime, with the option keys it knows (see hotpRecord). @internal */
  timeRecord(key: number, time: number, options: Omit<TotpRecordOptions, 'window'> | undefined, known?: readonly string[]): number {
    this.assertIdle()
    const record = this.records++
    try {
      options = checkOptions(options, 'addTime', known)
      this.checkKey(key)
      const digits = checkDigits(options.digits)
      const step = checkTimeStep(time, options.period, options.t0)
      this.pushTotp(record, key, 0, digits, step, 0)
    } catch (error) {
      this.settle(record, error)
    }
    return record
  }

  /** Adds a record that is already settled: an error found before it could be packed. */
  addSettled(outcome: Settled): number {
    this.assertIdle()
    const record = this.records++
    this.settled.set(record, outcome)
    return record
  }

  /** Packs what was added. The builder can go on growing; a later build() includes the new records. */
  build(): PreparedBatch {
    const n = this.rows
    const keys = this.keys
    return {
      size: this.records,
      packed: {
        count: n,
        keyBytes: this.keyBytes.data.subarray(0, this.keyOffsets.data[keys]),
        keyOffsets: this.keyOffsets.data.subarray(0, keys + 1),
        keyAlgorithms: this.keyAlgorithms.data.subarray(0, keys) as Uint8Array,
        keyIndex: this.keyIndex.data.subarray(0, n),
        counterHi: this.counterHi.data.subarray(0, n),
        counterLo: this.counterLo.data.subarray(0, n),
        code: this.code.data.subarray(0, n),
        digits: this.digits.data.subarray(0, n),
        behind: this.behind.data.subarray(0, n),
        ahead: this.ahead.data.subarray(0, n),
      },
      rowRecord: this.settled.size > 0 ? this.rowRecord.data.subarray(0, n) : undefined,
      settled: this.settled,
    }
  }

  /** Wipes the key bytes held by the builder. */
  wipe(): void {
    this.assertIdle()
    this.keyBytes.data.fill(0)
  }

  /**
   * Holds the builder busy for an engine call that reads it (see the class comment); returns the
   * function that releases this hold. Several calls may hold it at once.
   * @internal
   */
  hold(): () => void {
    this.holds++
    let released = false
    return () => {
      if (!released) {
        released = true
        this.holds--
      }
    }
  }

  /** Throws OtpError('BUILDER_BUSY') while an engine call holds the builder. */
  private assertIdle(): void {
    if (this.holds !== 0) {
      throw new OtpError('BUILDER_BUSY', 'this BatchBuilder is in use by an engine call: await the call before changing the builder')
    }
  }

  /**
   * Empties the builder for another batch, keeping the room it has grown; its key bytes are wiped.
   * What an earlier build() returned reads the builder's columns: it is not to be used after.
   */
  reset(): void {
    this.wipe()
    this.keys = this.rows = this.records = 0
    this.keyErrors.clear()
    this.settled.clear()
  }

  /**
   * Adds `n` records, the i-th by `add(i, record)`; a record whose add throws is kept as its error.
   * Returns the first record's index.
   */
  private addRecords(n: number, add: (i: number, record: number) => void): number {
    const first = this.records
    this.reserve(n)
    for (let i = 0; i < n; i++) {
      const record = this.records++
      try {
        add(i, record)
      } catch (error) {
        this.settle(record, error)
      }
    }
    return first
  }

  /** Makes room for `n` more rows at once (doubling at least, so that adding one row at a time stays linear). */
  private reserve(n: number): void {
    if (this.rows + n <= this.capacity) return
    this.capacity = Math.max(this.rows + n, this.capacity * 2)
    for (const column of [this.keyIndex, this.counterHi, this.counterLo, this.code, this.digits, this.behind, this.ahead, this.rowRecord]) {
      column.ensure(this.capacity)
    }
  }

  /** Throws the key's own error, or INVALID_RECORD for an index addKey never returned. */
  private checkKey(key: number): void {
    if (!(key >= 0 && key < this.keys && Number.isInteger(key))) {
      throw new OtpError('INVALID_RECORD', `key index must be one returned by addKey (0 to ${this.keys - 1}), got ${describe(key)}`)
    }
    if (this.keyErrors.size > 0) {
      const error = this.keyErrors.get(key)
      if (error !== undefined) throw error
    }
  }

  private settle(record: number, outcome: unknown): void {
    this.settled.set(record, outcome === null ? null : asOtpError(outcome))
  }

  /** An HOTP row: the look-ahead is cut where it would pass 2^64 - 1. */
  private pushHotp(record: number, key: number, value: number, digits: number, hi: number, lo: number, window: number): void {
    const room = hi < 0xffff_ffff ? window : Math.min(window, 0xffff_ffff - lo)
    this.push(record, key, value, digits, hi, lo, 0, room)
  }

  /** A TOTP row around time step `step`: the window reaches back no further than step 0. */
  private pushTotp(record: number, key: number, value: number, digits: number, step: number, window: number): void {
    this.push(record, key, value, digits, Math.floor(step / 0x1_0000_0000), step >>> 0, Math.min(window, step), window)
  }

  /** Writes one packed row; a code that can never match (value -1) settles the record as null instead. */
  private push(record: number, key: number, value: number, digits: number, hi: number, lo: number, behind: number, ahead: number): void {
    if (value < 0) {
      this.settled.set(record, null)
      return
    }
    if (this.rows === this.capacity) this.reserve(1)
    const r = this.rows++
    this.keyIndex.data[r] = key
    this.counterHi.data[r] = hi
    this.counterLo.data[r] = lo
    this.code.data[r] = value
    this.digits.data[r] = digits
    this.behind.data[r] = behind
    this.ahead.data[r] = ahead
    this.rowRecord.data[r] = record
  }
}

function asOtpError(error: unknown): OtpError {
  if (error instanceof OtpError) return error
  return new OtpError('INVALID_RECORD', `record could not be read: ${error instanceof Error ? error.name : typeof error}`)
}

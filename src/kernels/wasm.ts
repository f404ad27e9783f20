/**
 * The WASM kernel: a Kernel (src/kernel.ts) over the exports of build/otp.wasm (assembly/index.ts).
 *
 * Only integers cross the boundary: inputs are written into the kernel's static regions through
 * views built once (and rebuilt if the memory ever grows), each operation is one export call, and
 * results are copied out. The kernel prepares a key's HMAC midstates once per call or batch chunk and
 * wipes all key material before returning; no view of key bytes is kept here.
 */
import { counterChunks } from '../core/counter-chunks.js'
import { OtpError } from '../core/errors.js'
import { KeyPicker, type KeyColumns, type Picked } from './key-picker.js'
import { PREPARED_KEY_BYTES, type AlgorithmId, type Backend, type Kernel, type PackedBatch } from '../core/kernel.js'
import { loadWasmModuleSync, type WasmFlavor } from './wasm-load.js'
import { takeDigest, wasmMessageKernel } from './wasm-message.js'

/** The kernel's exports (assembly/index.ts). Region and capacity globals hold integers: byte addresses or counts. */
export interface WasmExports {
  readonly memory: WebAssembly.Memory
  /** Records, distinct keys, key bytes and scan codes that one call accepts. */
  readonly RECORD_CAPACITY: WebAssembly.Global
  readonly KEY_CAPACITY: WebAssembly.Global
  readonly KEY_BYTES_CAPACITY: WebAssembly.Global
  readonly CODES_CAPACITY: WebAssembly.Global
  /** Batch columns (u32 each, REC_DIGITS u8, REC_OUT i32 out), RECORD_CAPACITY entries. */
  readonly REC_KEY: WebAssembly.Global
  readonly REC_HI: WebAssembly.Global
  readonly REC_LO: WebAssembly.Global
  readonly REC_CODE: WebAssembly.Global
  readonly REC_BEHIND: WebAssembly.Global
  readonly REC_AHEAD: WebAssembly.Global
  readonly REC_OUT: WebAssembly.Global
  readonly REC_DIGITS: WebAssembly.Global
  /** Batch keys: u32 offsets (keys + 1, the first 0), u8 algorithm ids, the bytes (also the single-key input). */
  readonly KEY_OFFSETS: WebAssembly.Global
  readonly KEY_ALGORITHMS: WebAssembly.Global
  readonly KEY_BYTES: WebAssembly.Global
  /** u32 codes of a scan. */
  readonly CODES: WebAssembly.Global
  /** What verify returns when nothing matches (NO_MATCH of src/kernel.ts). */
  readonly NO_MATCH: WebAssembly.Global
  /** The midstate slot of the single-key calls (PREPARED_KEY_BYTES): setKey fills it, or the host writes a prepared key. */
  readonly KEY_STATE: WebAssembly.Global
  /** Prepares the midstates of the `len`-byte key at KEY_BYTES and wipes the key bytes (RFC 2104 section 2). */
  setKey(alg: number, len: number): void
  /** Wipes the prepared key. */
  clearKey(): void
  /** hotp / verify, then clearKey, in one call: for a prepared key written at KEY_STATE. */
  hotpClear(alg: number, hi: number, lo: number, digits: number): number
  verifyClear(alg: number, hi: number, lo: number, code: number, digits: number, behind: number, ahead: number): number
  /** HOTP value with the prepared key (RFC 4226 section 5.3). */
  hotp(alg: number, hi: number, lo: number, digits: number): number
  /** Constant-time window check with the prepared key: the delta, or NO_MATCH. */
  verify(alg: number, hi: number, lo: number, code: number, digits: number, behind: number, ahead: number): number
  /** Resync scan over `count` counters with the prepared key and the codes at CODES: offset or -1. */
  scan(alg: number, hi: number, lo: number, count: number, ncodes: number, digits: number): number
  /** HMAC of the `len`-byte message at MESSAGE with the prepared key at KEY_STATE, digest to MESSAGE_MAC; wipes key and message. */
  macState(alg: number, len: number): void
  /** Verifies / generates `count` records of the columns above with `nkeys` keys; wipes the keys after. */
  verifyBatch(nkeys: number, count: number): void
  generateBatch(nkeys: number, count: number): void
}

const FUNCTIONS = [
  'setKey',
  'clearKey',
  'hotp',
  'verify',
  'scan',
  'verifyBatch',
  'generateBatch',
  'hotpClear',
  'verifyClear',
  'macState',
] as const
const GLOBALS = [
  'RECORD_CAPACITY',
  'KEY_CAPACITY',
  'KEY_BYTES_CAPACITY',
  'CODES_CAPACITY',
  'REC_KEY',
  'REC_HI',
  'REC_LO',
  'REC_CODE',
  'REC_BEHIND',
  'REC_AHEAD',
  'REC_OUT',
  'REC_DIGITS',
  'KEY_OFFSETS',
  'KEY_ALGORITHMS',
  'KEY_BYTES',
  'CODES',
  'NO_MATCH',
  'KEY_STATE',
] as const

/**
 * Instantiates a compiled kernel and checks that it has every export of WasmExports.
 * @throws OtpError('WASM_UNAVAILABLE') when instantiation fails or an export is missing.
 */
export function instantiateWasm(module: WebAssembly.Module): WasmExports {
  let exports: WebAssembly.Exports
  try {
    exports = new WebAssembly.Instance(module, {}).exports
  } catch (cause) {
    throw new OtpError('WASM_UNAVAILABLE', 'cannot instantiate the WASM kernel', { cause })
  }
  const missing = [
    ...FUNCTIONS.filter((name) => typeof exports[name] !== 'function'),
    ...GLOBALS.filter((name) => !(exports[name] instanceof WebAssembly.Global)),
    ...(exports.memory instanceof WebAssembly.Memory ? [] : ['memory']),
  ]
  if (missing.length) {
    throw new OtpError('WASM_UNAVAILABLE', `the WASM kernel lacks exports: ${missing.join(', ')}`)
  }
  return exports as unknown as WasmExports
}

/**
 * Counters per scan call. V8 runs a long first call of a WASM function in its baseline tier and
 * cannot switch tiers inside a call, so long scans go in chunks of a few milliseconds each.
 */
export const SCAN_CHUNK = 32768

/** Words of a hash's midstate (SHA-1 5, SHA-256 8, SHA-512 8 u64), and where the outer one starts in a prepared key. */
const STATE_WORDS = [5, 8, 16] as const
const OUTER_WORD = 16

/** A Kernel over one instance of the WASM kernel. */
class WasmKernel implements Kernel {
  readonly backend: Backend
  private readonly x: WasmExports
  // Byte addresses of the regions, and capacities.
  private readonly at: Record<(typeof GLOBALS)[number], number>
  private buffer: ArrayBuffer | undefined
  private u8 = new Uint8Array(0)
  private u32 = new Uint32Array(0)
  private i32 = new Int32Array(0)
  /** Takes each chunk's keys; its tables are kept between calls. */
  private readonly keys = new KeyPicker()
  /** HMAC of longer messages (OCRA): wasm-message.ts over the same instance. */
  readonly mac: Kernel['mac']
  readonly macWindow: Kernel['macWindow']
  readonly macBatch: Kernel['macBatch']
  /** The message and digest regions of the message kernel (wasm-message.ts), for macPrepared. */
  private readonly message: number
  private readonly messageMac: number

  constructor(exports: WasmExports, backend: Backend) {
    this.x = exports
    this.backend = backend
    this.at = Object.fromEntries(GLOBALS.map((name) => [name, exports[name].value as number])) as WasmKernel['at']
    const regions = exports as unknown as Record<'MESSAGE' | 'MESSAGE_MAC', WebAssembly.Global>
    this.message = regions.MESSAGE.value as number
    this.messageMac = regions.MESSAGE_MAC.value as number
    const message = wasmMessageKernel(exports as unknown as WebAssembly.Exports)
    this.mac = message.mac
    this.macWindow = message.macWindow
    this.macBatch = message.macBatch
  }

  /** Rebuilds the views when the memory's buffer changed (after growth; never, with this kernel). */
  private views(): void {
    // Growth detaches the old buffer, and views of it read length 0: only then is the (costly)
    // memory.buffer getter worth asking.
    if (this.u8.length !== 0) return
    const buffer = this.x.memory.buffer
    if (buffer === this.buffer) return
    this.buffer = buffer
    this.u8 = new Uint8Array(buffer)
    this.u32 = new Uint32Array(buffer)
    this.i32 = new Int32Array(buffer)
  }

  /** Writes the key and prepares it; the kernel wipes the bytes at once. Pair with clearKey(). */
  private setKey(alg: AlgorithmId, key: Uint8Array): void {
    this.views()
    this.u8.set(key, this.at.KEY_BYTES)
    this.x.setKey(alg, key.length)
  }

  /**
   * Writes a prepared key's midstates into the single-key slot, only the words its hash uses (the
   * rest of the slot is zero: clearKey wiped it). Pair with clearKey().
   */
  private setState(alg: AlgorithmId, state: Uint32Array): void {
    this.views()
    const u32 = this.u32
    const at = this.at.KEY_STATE >>> 2
    const words = STATE_WORDS[alg]
    for (let i = 0; i < words; i++) {
      u32[at + i] = state[i]!
      u32[at + OUTER_WORD + i] = state[OUTER_WORD + i]!
    }
  }

  prepareKey(alg: AlgorithmId, key: Uint8Array, out: Uint8Array): void {
    this.setKey(alg, key)
    try {
      const at = this.at.KEY_STATE
      out.set(this.u8.subarray(at, at + PREPARED_KEY_BYTES))
    } finally {
      this.x.clearKey()
    }
  }

  hotpPrepared(alg: AlgorithmId, state: Uint32Array, hi: number, lo: number, digits: number): number {
    this.setState(alg, state)
    try {
      return this.x.hotpClear(alg, hi, lo, digits)
    } catch (error) {
      this.x.clearKey()
      throw error
    }
  }

  verifyPrepared(
    alg: AlgorithmId,
    state: Uint32Array,
    hi: number,
    lo: number,
    code: number,
    digits: number,
    behind: number,
    ahead: number,
  ): number {
    this.setState(alg, state)
    try {
      return this.x.verifyClear(alg, hi, lo, code, digits, behind, ahead)
    } catch (error) {
      this.x.clearKey()
      throw error
    }
  }

  macPrepared(alg: AlgorithmId, state: Uint32Array, message: Uint8Array, out: Uint8Array): void {
    this.setState(alg, state)
    const u8 = this.u8
    const at = this.message
    u8.set(message, at)
    try {
      // The kernel wipes the midstates, the message and its scratch before it returns.
      this.x.macState(alg, message.length)
    } catch (error) {
      // Only a trap gets here: nothing of the key may stay behind.
      u8.fill(0, at, at + message.length)
      this.x.clearKey()
      throw error
    }
    takeDigest(u8, this.messageMac, alg, out)
  }

  scanPrepared(
    alg: AlgorithmId,
    state: Uint32Array,
    hi: number,
    lo: number,
    count: number,
    codes: ArrayLike<number>,
    digits: number,
  ): number {
    this.setState(alg, state)
    return this.scanSet(alg, hi, lo, count, codes, digits)
  }

  hotp(alg: AlgorithmId, key: Uint8Array, hi: number, lo: number, digits: number): number {
    this.setKey(alg, key)
    try {
      return this.x.hotp(alg, hi, lo, digits)
    } finally {
      this.x.clearKey()
    }
  }

  verify(alg: AlgorithmId, key: Uint8Array, hi: number, lo: number, code: number, digits: number, behind: number, ahead: number): number {
    this.setKey(alg, key)
    try {
      return this.x.verify(alg, hi, lo, code, digits, behind, ahead)
    } finally {
      this.x.clearKey()
    }
  }

  scan(alg: AlgorithmId, key: Uint8Array, hi: number, lo: number, count: number, codes: ArrayLike<number>, digits: number): number {
    this.setKey(alg, key)
    return this.scanSet(alg, hi, lo, count, codes, digits)
  }

  /** The scan of `scan` over the key already in the single-key slot; wipes it after. */
  private scanSet(alg: AlgorithmId, hi: number, lo: number, count: number, codes: ArrayLike<number>, digits: number): number {
    try {
      const base = this.at.CODES >>> 2
      for (let j = 0; j < codes.length; j++) this.u32[base + j] = codes[j]!
      for (const chunk of counterChunks(hi, lo, count, SCAN_CHUNK)) {
        const found = this.x.scan(alg, chunk.hi, chunk.lo, chunk.n, codes.length, digits)
        if (found >= 0) return chunk.offset + found
      }
      return -1
    } finally {
      this.x.clearKey()
    }
  }

  verifyBatch(batch: PackedBatch, delta: Int32Array): void {
    const at = this.at.REC_OUT >>> 2
    this.run(batch, true, (start, n) => delta.set(this.i32.subarray(at, at + n), start))
  }

  generateBatch(batch: PackedBatch, out: Uint32Array): void {
    const at = this.at.REC_OUT >>> 2
    this.run(batch, false, (start, n) => out.set(this.u32.subarray(at, at + n), start))
  }

  /**
   * Cuts the batch into chunks that fit the kernel's regions: at most RECORD_CAPACITY records, and a
   * chunk ends early when its distinct keys would exceed KEY_CAPACITY or KEY_BYTES_CAPACITY.
   */
  private run(batch: PackedBatch, verify: boolean, collect: (start: number, n: number) => void): void {
    this.views()
    const { u8, u32, at } = this
    for (let start = 0; start < batch.count;) {
      const { end, keys } = this.writeKeys(batch, start)
      // A key longer than KEY_BYTES_CAPACITY would make a chunk of no records: thrown, never spun on.
      if (!(end > start))
        throw new OtpError('INTERNAL', `a key of the batch does not fit the kernel's key region (${this.at.KEY_BYTES_CAPACITY} bytes)`)
      u32.set(batch.counterHi.subarray(start, end), at.REC_HI >>> 2)
      u32.set(batch.counterLo.subarray(start, end), at.REC_LO >>> 2)
      u8.set(batch.digits.subarray(start, end), at.REC_DIGITS)
      if (verify) {
        u32.set(batch.code.subarray(start, end), at.REC_CODE >>> 2)
        u32.set(batch.behind.subarray(start, end), at.REC_BEHIND >>> 2)
        u32.set(batch.ahead.subarray(start, end), at.REC_AHEAD >>> 2)
        this.x.verifyBatch(keys, end - start)
      } else {
        this.x.generateBatch(keys, end - start)
      }
      collect(start, end - start)
      start = end
    }
  }

  /**
   * Writes the keys of the chunk from record `start` on, and the records' key indexes, and answers
   * where the chunk ends: at RECORD_CAPACITY records, or earlier where one more key would not fit.
   * A batch that fits whole with keys that can go as they are (a pool shard) is one chunk, copied
   * as it is; else each chunk's keys are re-indexed to its own, written and prepared once per chunk.
   */
  private writeKeys(batch: PackedBatch, start: number): Picked {
    const { u8, u32, at } = this
    const end = Math.min(batch.count, start + at.RECORD_CAPACITY)
    const picked = this.keys.take(batch, start, end, { keys: at.KEY_CAPACITY, keyBytes: at.KEY_BYTES_CAPACITY })
    const keyOffsets = at.KEY_OFFSETS >>> 2
    const keyIndex = at.REC_KEY >>> 2
    const into: KeyColumns = {
      keyOffsets: u32.subarray(keyOffsets, keyOffsets + picked.keys + 1),
      keyAlgorithms: u8.subarray(at.KEY_ALGORITHMS, at.KEY_ALGORITHMS + picked.keys),
      keyBytes: u8.subarray(at.KEY_BYTES, at.KEY_BYTES + picked.keyBytes),
      keyIndex: u32.subarray(keyIndex, keyIndex + picked.end - start),
    }
    this.keys.write(batch, start, picked, into)
    return picked
  }
}

/**
 * Creates a WASM kernel with its own instance (and memory) of a compiled module: by default the
 * scalar build/otp.wasm, read and compiled synchronously once per process.
 * @param backend how the kernel reports itself: 'wasm-simd' for the SIMD build's module.
 * @throws OtpError('WASM_UNAVAILABLE') when the module cannot be loaded or instantiated.
 */
export function createWasmKernel(module?: WebAssembly.Module, backend: WasmFlavor = 'wasm'): Kernel {
  return new WasmKernel(instantiateWasm(module ?? loadWasmModuleSync(backend)), backend)
}

/**
 * The WASM kernel's HMAC of longer messages (Kernel.mac, macWindow, macBatch) over the exports of
 * assembly/message.ts, for OCRA (RFC 6287). As everywhere in the WASM kernel, only integers cross:
 * the key goes to KEY_BYTES, the message to MESSAGE, per-row bytes to PATCHES, and the kernel wipes
 * each of them before it returns.
 */
import { OtpError } from '../core/errors.js'
import type { AlgorithmId, Kernel, MessageBatch, MessageWindow, PackedBatch } from '../core/kernel.js'
import { KeyPicker } from './key-picker.js'

/** The exports of assembly/message.ts, and the ones of index.ts it shares. */
export interface MessageExports {
  readonly memory: WebAssembly.Memory
  readonly MESSAGE_CAPACITY: WebAssembly.Global
  readonly PATCH_CAPACITY: WebAssembly.Global
  readonly MESSAGE: WebAssembly.Global
  readonly MESSAGE_MAC: WebAssembly.Global
  readonly MESSAGE_EXPECTED: WebAssembly.Global
  readonly PATCHES: WebAssembly.Global
  readonly RECORD_CAPACITY: WebAssembly.Global
  readonly KEY_CAPACITY: WebAssembly.Global
  readonly KEY_BYTES_CAPACITY: WebAssembly.Global
  readonly KEY_OFFSETS: WebAssembly.Global
  readonly KEY_ALGORITHMS: WebAssembly.Global
  readonly KEY_BYTES: WebAssembly.Global
  readonly REC_KEY: WebAssembly.Global
  readonly REC_OUT: WebAssembly.Global
  setKey(alg: number, len: number): void
  clearKey(): void
  /** HMAC of MESSAGE[0 .. len) with the key of setKey, digest to MESSAGE_MAC. */
  mac(alg: number, len: number): void
  /**
   * setKey(alg, keyLen), mac(alg, len) and clearKey in one call, the raw key at KEY_BYTES: returns the
   * digest's 31-bit truncation, and leaves the digest in MESSAGE_MAC only when `keep` is not 0.
   */
  macKeyed(alg: number, keyLen: number, len: number, keep: number): number
  /** The window check of Kernel.macWindow with the key of setKey. */
  macWindow(
    alg: number,
    len: number,
    counterAt: number,
    hi: number,
    lo: number,
    ahead: number,
    timeAt: number,
    timeHi: number,
    timeLo: number,
    behind: number,
    timeAhead: number,
    code: number,
    digits: number,
  ): number
  /** Kernel.macBatch over one chunk: keys in the batch key regions, patches at PATCHES. */
  macBatch(nkeys: number, count: number, len: number, patchAt: number, patchLen: number): void
}

const GLOBALS = [
  'MESSAGE_CAPACITY',
  'PATCH_CAPACITY',
  'MESSAGE',
  'MESSAGE_MAC',
  'MESSAGE_EXPECTED',
  'PATCHES',
  'RECORD_CAPACITY',
  'KEY_CAPACITY',
  'KEY_BYTES_CAPACITY',
  'KEY_OFFSETS',
  'KEY_ALGORITHMS',
  'KEY_BYTES',
  'REC_KEY',
  'REC_OUT',
] as const
const FUNCTIONS = ['setKey', 'clearKey', 'mac', 'macKeyed', 'macWindow', 'macBatch'] as const
const DIGEST_BYTES = [20, 32, 64] as const

/**
 * Moves the digest of `alg` at `from` in kernel memory (`u8`) into `out`, wiping it there. A loop,
 * not a view: a view per call costs more than copying these 20 to 64 bytes.
 */
export function takeDigest(u8: Uint8Array, from: number, alg: AlgorithmId, out: Uint8Array): void {
  for (let i = 0, n = DIGEST_BYTES[alg]; i < n; i++) {
    out[i] = u8[from + i]!
    u8[from + i] = 0
  }
}

/**
 * The message functions over one instance's exports.
 * @throws OtpError('WASM_UNAVAILABLE') when the build lacks them.
 */
export function wasmMessageKernel(exports: WebAssembly.Exports): Pick<Kernel, 'mac' | 'macWindow' | 'macBatch'> {
  const missing = [
    ...FUNCTIONS.filter((name) => typeof exports[name] !== 'function'),
    ...GLOBALS.filter((name) => !(exports[name] instanceof WebAssembly.Global)),
  ]
  if (missing.length) throw new OtpError('WASM_UNAVAILABLE', `the WASM kernel lacks exports: ${missing.join(', ')}`)
  const x = exports as unknown as MessageExports
  const at = Object.fromEntries(GLOBALS.map((name) => [name, x[name].value as number])) as Record<(typeof GLOBALS)[number], number>
  // The single-code regions, read once.
  const keyAt = at.KEY_BYTES
  const messageAt = at.MESSAGE
  const macAt = at.MESSAGE_MAC
  const picker = new KeyPicker()
  let buffer: ArrayBuffer | undefined
  let u8 = new Uint8Array(0)
  let u32 = new Uint32Array(0)
  const views = (): void => {
    // Growth detaches the old buffer, and views of it read length 0: only then is the (costly)
    // memory.buffer getter worth asking (as in wasm.ts). The state MAC of every verification comes here.
    if (u8.length !== 0) return
    if (x.memory.buffer === buffer) return
    buffer = x.memory.buffer
    u8 = new Uint8Array(buffer)
    u32 = new Uint32Array(buffer)
  }
  /** Key and message in; the kernel wipes the key bytes at once and the message after its call. */
  const load = (alg: AlgorithmId, key: Uint8Array, message: Uint8Array): void => {
    views()
    u8.set(key, at.KEY_BYTES)
    x.setKey(alg, key.length)
    u8.set(message, at.MESSAGE)
  }

  return {
    mac(alg, key, message, out) {
      views()
      u8.set(key, keyAt)
      u8.set(message, messageAt)
      let value: number
      try {
        // The kernel wipes the key, its midstates and the message before it returns, and the digest
        // too unless it is asked for.
        value = x.macKeyed(alg, key.length, message.length, out === undefined ? 0 : 1)
      } catch (error) {
        // Only a trap gets here: nothing of the key may stay behind.
        u8.fill(0, keyAt, keyAt + key.length)
        u8.fill(0, messageAt, messageAt + message.length)
        u8.fill(0, macAt, macAt + 64)
        x.clearKey()
        throw error
      }
      if (out !== undefined) takeDigest(u8, macAt, alg, out)
      return value
    },

    macWindow(alg, key, message, w: MessageWindow, code, digits, expected) {
      load(alg, key, message)
      try {
        if (digits === 0) u8.set(expected!.subarray(0, DIGEST_BYTES[alg]), at.MESSAGE_EXPECTED)
        return x.macWindow(
          alg,
          message.length,
          w.counterAt,
          w.counterHi,
          w.counterLo,
          w.ahead,
          w.timeAt,
          w.timeHi,
          w.timeLo,
          w.behind,
          w.timeAhead,
          code,
          digits,
        )
      } finally {
        x.clearKey()
      }
    },

    macBatch(batch: MessageBatch, out: Uint32Array) {
      views()
      const { template, patchAt, patchLength, patches } = batch
      const rowsPerCall = Math.min(at.RECORD_CAPACITY, Math.floor(at.PATCH_CAPACITY / Math.max(1, patchLength)))
      // KeyPicker reads only the key columns and keyIndex, which a MessageBatch has as a PackedBatch does.
      const keyed = batch as unknown as PackedBatch
      const limits = { keys: at.KEY_CAPACITY, keyBytes: at.KEY_BYTES_CAPACITY }
      for (let start = 0; start < batch.count;) {
        const picked = picker.take(keyed, start, Math.min(batch.count, start + rowsPerCall), limits)
        const n = picked.end - start
        const offsets = at.KEY_OFFSETS >>> 2
        const rows = at.REC_KEY >>> 2
        picker.write(keyed, start, picked, {
          keyOffsets: u32.subarray(offsets, offsets + picked.keys + 1),
          keyAlgorithms: u8.subarray(at.KEY_ALGORITHMS, at.KEY_ALGORITHMS + picked.keys),
          keyBytes: u8.subarray(at.KEY_BYTES, at.KEY_BYTES + picked.keyBytes),
          keyIndex: u32.subarray(rows, rows + n),
        })
        u8.set(template, at.MESSAGE)
        u8.set(patches.subarray(start * patchLength, picked.end * patchLength), at.PATCHES)
        x.macBatch(picked.keys, n, template.length, patchAt, patchLength)
        out.set(u32.subarray(at.REC_OUT >>> 2, (at.REC_OUT >>> 2) + n), start)
        start = picked.end
      }
    },
  }
}

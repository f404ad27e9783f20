// Kernel memory: fixed static regions, so that only integers cross the JS/WASM boundary. The host
// writes inputs into these regions through typed-array views, calls one export, and copies results
// out. Nothing is allocated at run time (runtime `stub`, and the kernel never calls `new`), so memory
// never grows; zero-filled regions cost nothing in the .wasm file.
//
// Capacities per call (a bigger batch is cut into chunks by the host):
//   records             65,536  x 29 bytes (7 u32 columns + 1 u8 column)   1.81 MiB
//   distinct keys       16,384  x (128-byte midstate slot + 4 + 1)         2.08 MiB
//   key bytes            2 MiB  (a chunk ends early when its keys would not fit)
//   scratch, one key slot, codes                                           < 1 KiB
// These regions: about 5.9 MiB in all (message.ts and simd/ add their own, smaller ones).
//
// Key material (key bytes, padded key blocks, midstates, hashes of long keys) lives only in KEY_BYTES,
// KEY_STATES, ONE_STATE and the scratch below, and is wiped after each call that wrote it.

/** Records per batch call. */
export const RECORD_CAPACITY: u32 = 65536
/** Distinct keys per batch call. */
export const KEY_CAPACITY: u32 = 16384
/**
 * Bytes of all keys of one batch call, back to back; also the single-key input region. Room for
 * KEY_CAPACITY prepared keys (128 bytes of midstates each), so that a chunk of prepared keys ends at
 * RECORD_CAPACITY records or KEY_CAPACITY keys, as one of raw keys does, and not at 8,192 keys.
 */
export const KEY_BYTES_CAPACITY: u32 = 2 << 20
/** Codes of one resync scan. */
export const CODES_CAPACITY: u32 = 16
/** Bytes per key midstate slot: the HMAC inner state at +0, the outer state at +64 (SHA-512 needs 64 each). */
export const STATE_SLOT: u32 = 128
export const OUTER: usize = 64

// Batch columns, one entry per record (PackedBatch of src/kernel.ts, keys re-indexed per chunk).
/** u32: index of the record's key in KEY_OFFSETS / KEY_ALGORITHMS (chunk-local). */
export const REC_KEY: usize = memory.data(RECORD_CAPACITY * 4, 16)
/** u32: high and low halves of the record's counter. */
export const REC_HI: usize = memory.data(RECORD_CAPACITY * 4, 16)
export const REC_LO: usize = memory.data(RECORD_CAPACITY * 4, 16)
/** u32: the code to check (verify only). */
export const REC_CODE: usize = memory.data(RECORD_CAPACITY * 4, 16)
/** u32: steps before and after the counter that the window reaches (verify only). */
export const REC_BEHIND: usize = memory.data(RECORD_CAPACITY * 4, 16)
export const REC_AHEAD: usize = memory.data(RECORD_CAPACITY * 4, 16)
/** i32 out: the matched delta or NO_MATCH (verify), the code (generate). */
export const REC_OUT: usize = memory.data(RECORD_CAPACITY * 4, 16)
/** u8: digits, 6 to 10. */
export const REC_DIGITS: usize = memory.data(RECORD_CAPACITY, 16)

// Keys of a batch call.
/** u32 x (keys + 1): key k is KEY_BYTES[KEY_OFFSETS[k] .. KEY_OFFSETS[k + 1]); KEY_OFFSETS[0] is 0. */
export const KEY_OFFSETS: usize = memory.data((KEY_CAPACITY + 1) * 4, 16)
/** u8: the AlgorithmId of each key. */
export const KEY_ALGORITHMS: usize = memory.data(KEY_CAPACITY, 16)
/** Raw key bytes (batch keys, or the one key of setKey). */
export const KEY_BYTES: usize = memory.data(KEY_BYTES_CAPACITY, 16)
/** Midstate slots of the batch keys, STATE_SLOT bytes each. */
export const KEY_STATES: usize = memory.data(KEY_CAPACITY * STATE_SLOT, 16)

// Single-key calls.
/** The midstate slot of the key prepared by setKey. */
export const ONE_STATE: usize = memory.data(STATE_SLOT, 16)
/** u32 x CODES_CAPACITY: the consecutive codes of a resync scan. */
export const CODES: usize = memory.data(CODES_CAPACITY * 4, 16)

// Scratch (internal, not exported).
/** The key block XORed with ipad / opad (RFC 2104 section 2). */
export const PAD: usize = memory.data(128, 16)
/** Chaining state and final block(s) while hashing a key longer than a block. */
export const HASH_STATE: usize = memory.data(64, 16)
export const HASH_BLOCK: usize = memory.data(256, 16)
/** The HMAC inner digest (native words) and the final HMAC (big-endian bytes) of one counter. */
export const INNER: usize = memory.data(64, 16)
export const DIGEST: usize = memory.data(64, 16)

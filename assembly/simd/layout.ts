// Scratch of the SIMD kernel, beside the regions of ../layout.ts (which the SIMD build exports
// unchanged). Every region here is internal: the host never reads or writes it.
//
// Lanes are transposed: row i (16 bytes) holds word i of every lane. With 32-bit words (SHA-1,
// SHA-256: 4 lanes) and with 64-bit words (SHA-512: 2 lanes):
//
//          +0       +4       +8       +12              +0                +8
//   +0     w0 [0]   w0 [1]   w0 [2]   w0 [3]     +0    w0 [0]            w0 [1]
//   +16    w1 [0]   w1 [1]   w1 [2]   w1 [3]     +16   w1 [0]            w1 [1]
//   ...                                          ...
//
// so that word i of all lanes is one v128.load at +16 * i, and lane l of it one scalar load at
// +16 * i + 4 * l (or 8 * l).
//
// Key material: LANE_STATES, LANE_INNER, LANE_DIGEST and LANE_BLOCK hold midstates, HMACs or padded
// keys; every export that writes them wipes the whole scratch before it returns (wipeLanes).

/** Lanes per vector: 4 x u32 for SHA-1 and SHA-256, 2 x u64 for SHA-512. */
export const LANES_32: u32 = 4
export const LANES_64: u32 = 2

/** Bytes of a transposed state (8 rows: the most words a digest has). */
export const LANE_STATE_BYTES: usize = 128

/**
 * Everything the lanes use, in one region so that one fill wipes it (wipeLanes) and every export
 * leaves kernel memory as it found it, outside the host's regions.
 */
export const LANE_SCRATCH_BYTES: usize = 848
export const LANE_SCRATCH: usize = memory.data(<i32>LANE_SCRATCH_BYTES, 16)

// Key material.
/**
 * The lanes' HMAC midstates: the inner states at +0 and the outer states at +LANE_OUTER, transposed.
 * Splatted from one key for window checks and scans; gathered from each lane's key in batches.
 */
export const LANE_STATES: usize = LANE_SCRATCH
export const LANE_OUTER: usize = LANE_STATE_BYTES
/** The lanes' inner digests, then their HMACs (transposed native words). */
export const LANE_INNER: usize = LANE_SCRATCH + 256
export const LANE_DIGEST: usize = LANE_SCRATCH + 384
/**
 * A transposed message block (16 rows): the lanes' keys XOR ipad, then XOR opad, in key setup. Each
 * key is padded to its block in PAD (../layout.ts) on its way in.
 */
export const LANE_BLOCK: usize = LANE_SCRATCH + 512

// The lanes' inputs and bookkeeping.
/**
 * The lanes' counters: a row of high halves at +0 and a row of low halves at +16 (32-bit lanes), or
 * one row of u64 counters at +0 (SHA-512).
 */
export const LANE_COUNTERS: usize = LANE_SCRATCH + 768
/** u32 x 4: the record of each lane (batches). */
export const LANE_RECORD: usize = LANE_SCRATCH + 800
/** i32 x 4: the delta of each lane's counter from its record's counter (batches). */
export const LANE_DELTA: usize = LANE_SCRATCH + 816
/** usize x 4: the midstate slot each lane of a key setup fills. */
export const LANE_SLOT: usize = LANE_SCRATCH + 832

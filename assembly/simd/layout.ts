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
// Key material: the midstates, the HMACs, the outer block (inner digests, or key setup's padded keys);
// every export that writes them wipes the whole scratch before it returns (wipeLanes).

/** Lanes per vector: 4 x u32 for SHA-1 and SHA-256, 2 x u64 for SHA-512. */
export const LANES_32: u32 = 4
export const LANES_64: u32 = 2

/** Bytes of a transposed state (8 rows: the most words a digest has). */
export const LANE_STATE_BYTES: usize = 128
/**
 * Bytes of a schedule array: one row per round of the longest hash (SHA-512's 80). Its first 16 rows
 * are the message block; SHA-256 and SHA-512 overwrite the array with W[t] + K[t] of every round.
 */
export const LANE_SCHEDULE_BYTES: usize = 80 * 16

/**
 * Everything the lanes use, in one region so that one fill wipes it (wipeLanes) and every export
 * leaves kernel memory as it found it, outside the host's regions.
 */
export const LANE_SCRATCH_BYTES: usize = 5 * LANE_STATE_BYTES + 3 * LANE_SCHEDULE_BYTES + 7 * 16
export const LANE_SCRATCH: usize = memory.data(<i32>LANE_SCRATCH_BYTES, 16)

// Key material.
/**
 * The lanes' HMAC midstates: the inner states at +0 and the outer states at +LANE_OUTER, transposed.
 * Splatted from one key for window checks and scans; gathered from each lane's key in batches.
 */
export const LANE_STATES: usize = LANE_SCRATCH
export const LANE_OUTER: usize = LANE_STATE_BYTES
/** The lanes' HMACs (transposed native words). */
export const LANE_DIGEST: usize = LANE_STATES + 2 * LANE_STATE_BYTES
/**
 * The HMAC inner block: its rows 0 and 1 are the lanes' counters (LANE_COUNTERS); the compression
 * supplies the padding and writes the rest.
 */
export const LANE_INNER_BLOCK: usize = LANE_DIGEST + LANE_STATE_BYTES
/**
 * The HMAC outer block: its first rows are the lanes' inner digests, written there by the inner
 * compression. Key setup builds the lanes' keys XOR ipad, then XOR opad, here.
 */
export const LANE_OUTER_BLOCK: usize = LANE_INNER_BLOCK + LANE_SCHEDULE_BYTES

// The lanes' inputs and bookkeeping.
/**
 * The lanes' counters, rows 0 and 1 of the inner block: high halves at +0 and low halves at +16
 * (32-bit lanes), or one row of u64 counters at +0 (SHA-512).
 */
export const LANE_COUNTERS: usize = LANE_INNER_BLOCK
/** u32 x 4: the record of each lane (batches). */
export const LANE_RECORD: usize = LANE_OUTER_BLOCK + LANE_SCHEDULE_BYTES
/** i32 x 4: the delta of each lane's counter from its record's counter (batches). */
export const LANE_DELTA: usize = LANE_RECORD + 16
/** usize x 4: the midstate slot each lane of a key setup fills. */
export const LANE_SLOT: usize = LANE_DELTA + 16
/** usize x 4 and u32 x 4: where each lane's key of a key setup starts in KEY_BYTES, and its length. */
export const LANE_KEY: usize = LANE_SLOT + 16
export const LANE_KEY_LEN: usize = LANE_KEY + 16

// Columns (batches): lane l of every vector is one record's, vector j its j-th counter, so that the
// lanes' midstates are gathered once per group of records. The pending vector of packed lanes keeps
// the regions above meanwhile.
/** The column group's midstates (key material), as LANE_STATES. */
export const COLUMN_STATES: usize = LANE_KEY_LEN + 16
/** The column group's HMAC inner block (key material once compressed), as LANE_INNER_BLOCK. */
export const COLUMN_BLOCK: usize = COLUMN_STATES + 2 * LANE_STATE_BYTES
/** u32 x 4: the record of each lane of the column group. */
export const COLUMN_RECORD: usize = COLUMN_BLOCK + LANE_SCHEDULE_BYTES
/** usize x 4: the midstate slot of each lane's key. */
export const COLUMN_SLOT: usize = COLUMN_RECORD + 16

// The exports both builds share, unchanged (index.ts and index.simd.ts re-export them whole): the
// regions the host writes and reads (their addresses, as immutable globals), NO_MATCH and KEY_STATE.

export {
  RECORD_CAPACITY,
  KEY_CAPACITY,
  KEY_BYTES_CAPACITY,
  CODES_CAPACITY,
  REC_KEY,
  REC_HI,
  REC_LO,
  REC_CODE,
  REC_BEHIND,
  REC_AHEAD,
  REC_OUT,
  REC_DIGITS,
  KEY_OFFSETS,
  KEY_ALGORITHMS,
  KEY_BYTES,
  CODES,
} from './layout'
export { NO_MATCH } from './otp'
export { KEY_STATE } from './prepared'

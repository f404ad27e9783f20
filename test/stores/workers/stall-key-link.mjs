// Preloaded (--import) into `otp enroll`: stalls the process in the middle of creating the store key,
// after its temporary file is written and before it is linked into place, so that a test can kill it
// there. Says 'stalled' on stderr, then blocks for OTP_TEST_STALL_MS (default: until killed).
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'

const link = fs.linkSync
fs.linkSync = (from, to) => {
  if (String(from).endsWith('.tmp')) {
    process.stderr.write('stalled\n')
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.env.OTP_TEST_STALL_MS ?? 600_000))
  }
  return link(from, to)
}
syncBuiltinESMExports()

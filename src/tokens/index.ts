/**
 * The token objects, as pyotp and otpauth users expect them: Totp, Hotp, fromUri and randomBase32.
 * Each object checks its secret and prepares its HMAC key once (src/core/prepared.ts).
 */
export { Totp, type TotpCheckOptions, type TotpParams, type UriLabel } from './totp.js'
export { Hotp, type HotpCheckOptions, type HotpParams, type HotpResyncOptions } from './hotp.js'
export { fromUri } from './from-uri.js'
export { randomBase32 } from './random.js'

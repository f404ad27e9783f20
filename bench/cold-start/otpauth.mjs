// Cold start, otpauth: import it and print one TOTP code, as its README shows.
import { TOTP } from 'otpauth'

console.log(new TOTP({ secret: 'JBSWY3DPEHPK3PXP' }).generate())

// Cold start, otp-wasm: import the built package by its name and print one TOTP code.
import { totp } from 'otp-wasm'

console.log(totp('JBSWY3DPEHPK3PXP'))

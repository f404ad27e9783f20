/**
 * A compile-time check, nothing at run time: the benchmark types the parts of otp-wasm it uses by
 * hand (otp-wasm.ts, contender.ts), so that it loads the built package by name and still runs when
 * it is missing. `npx tsc -p bench` resolves `otp-wasm` to src/index.ts (bench/tsconfig.json) and
 * fails here when the package's API no longer fits those types.
 */
import type * as OtpWasm from 'otp-wasm'
import type { Algorithm } from './contender.js'
import type { OtpWasmModule } from './otp-wasm.js'

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false

/** The package's module fits the benchmark's view of it. */
export const moduleFits: typeof OtpWasm extends OtpWasmModule ? true : false = true
/** The hash names are the package's. */
export const algorithmsFit: Same<Algorithm, OtpWasm.Algorithm> = true

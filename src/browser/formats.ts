/**
 * otp-wasm/formats for browsers: Google Authenticator's transfer URIs and vendor seed CSV files,
 * in and out. PSKC, which the Node entry (src/io/formats.ts) adds, runs on node:crypto and is left out.
 */
export * from '../io/portable-formats.js'

/**
 * @noble/hashes (HMAC, SHA-1, SHA-256, SHA-512) for the JS kernel and OCRA's password hashes, loaded
 * on first use: a Node process on the WASM kernel never needs it, and its six modules were a tenth of
 * the CPU time of a process that prints one code. Node loads it synchronously with require(), which
 * takes ES modules from Node 20.19. The browser build (scripts/build-browser.js) puts
 * hashes-static.ts, which imports it, in this module's place.
 */
import type { hmac } from '@noble/hashes/hmac.js'
import type { sha1 } from '@noble/hashes/legacy.js'
import type { sha256, sha512 } from '@noble/hashes/sha2.js'

/** What the JS kernel and OCRA use of @noble/hashes. */
export interface NobleHashes {
  readonly hmac: typeof hmac
  /** The hashes by AlgorithmId: SHA1, SHA256, SHA512. */
  readonly hashes: readonly [typeof sha1, typeof sha256, typeof sha512]
}

/** The part of node:module used here; no import of it (not even of its types), as in kernels/wasm-load.ts. */
interface NodeModule {
  createRequire(path: string): (id: string) => unknown
}

let loaded: NobleHashes | undefined

/** @noble/hashes, required on the first call. */
export function noble(): NobleHashes {
  return (loaded ??= load())
}

function load(): NobleHashes {
  const nodeModule = globalThis.process?.getBuiltinModule?.('node:module') as NodeModule | undefined
  if (!nodeModule) throw new Error('otp-wasm: cannot load @noble/hashes without node:module (the browser build imports it instead)')
  const require = nodeModule.createRequire(import.meta.url)
  const { hmac } = require('@noble/hashes/hmac.js') as typeof import('@noble/hashes/hmac.js')
  const { sha1 } = require('@noble/hashes/legacy.js') as typeof import('@noble/hashes/legacy.js')
  const { sha256, sha512 } = require('@noble/hashes/sha2.js') as typeof import('@noble/hashes/sha2.js')
  return { hmac, hashes: [sha1, sha256, sha512] }
}

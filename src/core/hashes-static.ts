/**
 * The browser build's src/core/hashes.ts (scripts/build-browser.js swaps them): @noble/hashes
 * imported with the rest of the bundle, since a browser has no synchronous require().
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha1 } from '@noble/hashes/legacy.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import type { NobleHashes } from './hashes.js'

const hashes: NobleHashes = { hmac, hashes: [sha1, sha256, sha512] }

/** @noble/hashes. */
export function noble(): NobleHashes {
  return hashes
}

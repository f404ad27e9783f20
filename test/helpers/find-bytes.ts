/**
 * Where `needle` occurs in `haystack` (e.g. a WASM kernel's whole memory), or -1: the search the
 * wipe tests use to show that no key, midstate or message bytes stayed behind.
 */
export function findBytes(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle)
}

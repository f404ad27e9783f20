/**
 * The peers, in the order they appear in tables and charts. Adding a peer is one file and one line
 * here; the baseline comes first.
 */
import type { PeerDefinition } from '../contender.js'
import { hashWasmPeer } from './hash-wasm.js'
import { nobleKeyedPeer, nobleOneShotPeer } from './noble.js'
import { nodeCryptoPeer } from './node-crypto.js'
import { otpauthPeer } from './otpauth.js'
import { otplibNodePeer, otplibPeer } from './otplib.js'
import { speakeasyPeer } from './speakeasy.js'
import { webCryptoPeer } from './web-crypto.js'

/** Every peer definition, baseline first. */
export const PEERS: readonly PeerDefinition[] = [
  nodeCryptoPeer,
  otplibPeer,
  otplibNodePeer,
  otpauthPeer,
  speakeasyPeer,
  nobleOneShotPeer,
  nobleKeyedPeer,
  hashWasmPeer,
  webCryptoPeer,
]

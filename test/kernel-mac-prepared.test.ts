/**
 * Kernel.macPrepared on every backend: the HMAC of a message from a prepared key's midstates is
 * node:crypto's HMAC with the key, and Kernel.mac's, bit for bit, for message lengths around every
 * block boundary and keys around and past the block; midstates made on one backend work on another;
 * and the WASM kernels keep neither the midstates nor the message in memory after a call.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { MAX_MESSAGE_BYTES, PREPARED_KEY_BYTES, type AlgorithmId, type Kernel } from '../src/core/kernel.js'
import type { WasmExports } from '../src/kernels/wasm.js'
import { BACKENDS, kernelFor } from './helpers/backends.js'
import { EDGE_KEY_LENGTHS, rng } from './helpers/reference.js'
import { findBytes } from './helpers/find-bytes.js'

const kernels = Object.fromEntries(BACKENDS.map((name) => [name, kernelFor(name)]))
const ALG_IDS: AlgorithmId[] = [0, 1, 2]
const NODE_NAMES = ['sha1', 'sha256', 'sha512'] as const
const DIGEST_BYTES = [20, 32, 64] as const
/** Message lengths at and around the block boundaries where the padding takes one more block. */
const EDGE_MESSAGE_LENGTHS = [0, 1, 47, 55, 56, 63, 64, 111, 112, 119, 120, 127, 128, 183, 184, 255, 256, 1000, MAX_MESSAGE_BYTES]

/** The midstates of `key` as Kernel.macPrepared takes them. */
function stateOf(kernel: Kernel, alg: AlgorithmId, key: Uint8Array): Uint32Array {
  const out = new Uint8Array(PREPARED_KEY_BYTES)
  kernel.prepareKey(alg, key, out)
  return new Uint32Array(out.buffer)
}

const nodeMac = (alg: AlgorithmId, key: Uint8Array, message: Uint8Array) =>
  new Uint8Array(createHmac(NODE_NAMES[alg], key).update(message).digest())

describe.each(BACKENDS)('%s kernel: macPrepared', (name) => {
  const kernel = kernels[name]!
  // Midstates made by another backend: the layout is shared, so they must work here too.
  const maker = kernels[name === 'js' ? 'wasm-simd' : 'js']!

  it('is node:crypto HMAC and Kernel.mac for messages around every block boundary', () => {
    const r = rng(0x3ac)
    for (const alg of ALG_IDS) {
      for (const keyLength of EDGE_KEY_LENGTHS) {
        const key = r.bytes(keyLength)
        const state = stateOf(kernel, alg, key)
        for (const length of EDGE_MESSAGE_LENGTHS) {
          const message = r.bytes(length)
          const want = nodeMac(alg, key, message)
          const got = new Uint8Array(64)
          kernel.macPrepared(alg, state, message, got)
          expect(got.subarray(0, DIGEST_BYTES[alg]), `${NODE_NAMES[alg]} key ${keyLength} message ${length}`).toEqual(want)
          const viaMac = new Uint8Array(64)
          kernel.mac(alg, key, message, viaMac)
          expect(viaMac).toEqual(got)
        }
      }
    }
  })

  it('agrees with node:crypto on 500 random cases, with midstates made on another backend', () => {
    const r = rng(0x3ad)
    for (let i = 0; i < 500; i++) {
      const alg = r.pick(ALG_IDS)
      const key = r.bytes(r.int(1, 200))
      const message = r.bytes(r.int(0, 600))
      const got = new Uint8Array(DIGEST_BYTES[alg])
      kernel.macPrepared(alg, stateOf(maker, alg, key), message, got)
      expect(got).toEqual(nodeMac(alg, key, message))
    }
  })

  it('leaves the caller’s midstates and message as they were, and a call after another gives the same', () => {
    const r = rng(0x3ae)
    const key = r.bytes(32)
    const state = stateOf(kernel, 1, key)
    const stateBefore = state.slice()
    const message = r.bytes(150)
    const messageBefore = message.slice()
    const first = new Uint8Array(32)
    const second = new Uint8Array(32)
    kernel.macPrepared(1, state, message, first)
    kernel.macPrepared(1, state, message, second)
    expect(state).toEqual(stateBefore)
    expect(message).toEqual(messageBefore)
    expect(second).toEqual(first)
  })
})

describe.each(['wasm-simd', 'wasm'] as const)('%s kernel memory after macPrepared', (name) => {
  it('holds no word of the midstates, no part of the message, and not the digest', () => {
    const kernel = kernelFor(name)
    const memory = (kernel as unknown as { x: WasmExports }).x.memory
    const r = rng(0x3af)
    for (const alg of ALG_IDS) {
      const key = r.bytes(40)
      const state = stateOf(kernel, alg, key)
      const message = r.bytes(300)
      const digest = new Uint8Array(64)
      kernel.macPrepared(alg, state, message, digest)
      const bytes = new Uint8Array(memory.buffer)
      const stateBytes = new Uint8Array(state.buffer)
      const words = alg === 0 ? 20 : alg === 1 ? 32 : 64
      for (const half of [0, 64]) {
        for (let w = half; w < half + words; w += 4) expect(findBytes(bytes, stateBytes.subarray(w, w + 4)), `word ${w}`).toBe(-1)
      }
      for (let at = 0; at + 16 <= message.length; at += 16) expect(findBytes(bytes, message.subarray(at, at + 16))).toBe(-1)
      expect(findBytes(bytes, digest.subarray(0, 16))).toBe(-1)
    }
  })
})

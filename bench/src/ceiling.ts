/**
 * The hardware reference line: `openssl speed` measures how many SHA compressions one core does per
 * second (with whatever SHA instructions the CPU has), which turns into the most HOTPs per second an
 * engine could reach on this machine. HOTP with a short key costs 4 compressions when the key is set
 * up per code (ipad block, counter block, opad block, inner digest block) and 2 when the ipad/opad
 * states are precomputed once per key.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Algorithm } from './contender.js'

const run = promisify(execFile)

/** Bytes hashed per openssl operation: long, so its one padding block hardly counts. */
const MESSAGE_BYTES = 16384

/** Compression block size of each algorithm, in bytes. */
const BLOCK_BYTES: Record<Algorithm, number> = { SHA1: 64, SHA256: 64, SHA512: 128 }

const OPENSSL_NAME: Record<Algorithm, string> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' }

/** One algorithm's ceiling on one core. */
export interface AlgorithmCeiling {
  readonly compressionsPerSecond: number
  /** HOTPs per second at 2 compressions each: ipad/opad states precomputed once per key. */
  readonly hotpPerSecondPrecomputed: number
  /** HOTPs per second at 4 compressions each: key set up for every code. */
  readonly hotpPerSecondWithKeySetup: number
}

/** The openssl reference of a run: what measured it and the rates of each algorithm on one core. */
export interface Ceiling {
  readonly source: string
  readonly command: string
  readonly perCore: Readonly<Record<Algorithm, AlgorithmCeiling>>
}

/** Measures the ceiling with openssl, or answers why it could not (openssl missing, odd output). */
export async function measureCeiling(seconds: number): Promise<Ceiling | { reason: string }> {
  let version: string
  try {
    // "OpenSSL 3.0.19 27 Jan 2026 (Library: ...)": the first part names it.
    version = (await run('openssl', ['version'])).stdout.split('(')[0]!.trim()
  } catch {
    return { reason: 'openssl is not installed: no hardware ceiling in this run' }
  }
  const perCore: Partial<Record<Algorithm, AlgorithmCeiling>> = {}
  for (const algorithm of ['SHA1', 'SHA256', 'SHA512'] as const) {
    const args = speedArgs(algorithm, seconds)
    let output: string
    try {
      output = (await run('openssl', args, { timeout: (seconds + 30) * 1000 })).stdout
    } catch (error) {
      return { reason: `openssl ${args.join(' ')} failed: ${(error as Error).message.split('\n')[0]}` }
    }
    const bytesPerSecond = parseSpeed(output)
    if (bytesPerSecond === null) return { reason: `could not read the output of openssl ${args.join(' ')}` }
    perCore[algorithm] = fromBytesPerSecond(algorithm, bytesPerSecond)
  }
  return {
    source: version,
    command: `openssl ${speedArgs('SHA1', seconds).join(' ')} (and sha256, sha512)`,
    perCore: perCore as Record<Algorithm, AlgorithmCeiling>,
  }
}

function speedArgs(algorithm: Algorithm, seconds: number): string[] {
  return ['speed', '-evp', OPENSSL_NAME[algorithm], '-seconds', String(seconds), '-bytes', String(MESSAGE_BYTES), '-mr']
}

/** Reads bytes per second from `openssl speed -mr` output: a line `+F:<n>:<name>:<bytes/s>`. */
export function parseSpeed(output: string): number | null {
  const line = output.split('\n').find((text) => text.startsWith('+F:'))
  const value = line ? Number(line.trim().split(':').at(-1)) : NaN
  return Number.isFinite(value) && value > 0 ? value : null
}

/** Turns openssl's byte rate into compression and HOTP rates. */
export function fromBytesPerSecond(algorithm: Algorithm, bytesPerSecond: number): AlgorithmCeiling {
  const blocksPerMessage = MESSAGE_BYTES / BLOCK_BYTES[algorithm]
  // Each message is its blocks plus one padding block.
  const compressionsPerSecond = (bytesPerSecond / MESSAGE_BYTES) * (blocksPerMessage + 1)
  return {
    compressionsPerSecond,
    hotpPerSecondPrecomputed: compressionsPerSecond / 2,
    hotpPerSecondWithKeySetup: compressionsPerSecond / 4,
  }
}

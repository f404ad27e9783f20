/**
 * Gathers the contenders of a run: the peers and otp-wasm, each proven on the RFC vectors first.
 * A contender that is missing or fails its proof is left out with a note that says why.
 */
import type { Contender, Skipped } from './contender.js'
import { isSkipped } from './contender.js'
import { installedVersion } from './optional-import.js'
import { answersWithPromises, loadOtpWasm, otpWasmContender, type OtpEngine, type OtpWasmModule } from './otp-wasm.js'
import { PEERS } from './peers/index.js'
import type { PeerStatus } from './report.js'
import { proveContender } from './rfc-proof.js'

/** The contenders of a run and what became of the others. */
export interface Lineup {
  /** Contenders that passed their proof, baseline first, otp-wasm last. */
  readonly contenders: Contender[]
  readonly peers: PeerStatus[]
  /** Contenders left out, with the reason: printed loudly. */
  readonly excluded: Skipped[]
  otpWasm: OtpWasmModule | null
  otpWasmVersion: string | null
  otpWasmNote: string | null
  /** Engines opened for the lineup, closed by `closeLineup`. */
  readonly engines: OtpEngine[]
}

async function admit(contender: Contender, lineup: Lineup, log: (line: string) => void): Promise<boolean> {
  const failure = await proveContender(contender)
  if (failure === null) {
    lineup.contenders.push(contender)
    log(`  ✓ ${contender.name}: RFC 4226 appendix D and cross-checks pass`)
    return true
  }
  lineup.excluded.push({ name: contender.name, reason: `FAILED the RFC proof: ${failure}` })
  log(`  ✗ ${contender.name} FAILED the RFC proof and is EXCLUDED: ${failure}`)
  return false
}

/** Loads and proves every contender. */
export async function gatherLineup(log: (line: string) => void): Promise<Lineup> {
  const lineup: Lineup = {
    contenders: [],
    peers: [],
    excluded: [],
    otpWasm: null,
    otpWasmVersion: null,
    otpWasmNote: null,
    engines: [],
  }
  for (const peer of PEERS) {
    const version = peer.packageName ? installedVersion(peer.packageName) : process.versions.node
    const loaded = await peer.load()
    if (isSkipped(loaded)) {
      lineup.excluded.push(loaded)
      lineup.peers.push({ name: peer.name, version, status: 'not installed', note: loaded.reason })
      log(`  - ${peer.name}: skipped, ${loaded.reason}`)
      continue
    }
    const proven = await admit(loaded, lineup, log)
    if (!proven && loaded.baseline) throw new Error('the node:crypto baseline failed its RFC proof')
    lineup.peers.push({ name: peer.name, version, status: proven ? 'raced' : 'failed the RFC proof' })
  }

  const otpWasm = await loadOtpWasm()
  if ('reason' in otpWasm) {
    lineup.otpWasmNote = otpWasm.reason
    lineup.excluded.push({ name: 'otp-wasm', reason: otpWasm.reason })
    log(`  ✗ otp-wasm: ${otpWasm.reason}; racing the peers alone`)
    return lineup
  }
  lineup.otpWasm = otpWasm.module
  lineup.otpWasmVersion = otpWasm.version
  const backend = otpWasm.module.defaultBackend?.()
  await admit(otpWasmContender('otp-wasm', otpWasm.module, false), lineup, log)
  log(`    (${otpWasm.entry}${backend ? `, module-level functions on the ${backend} backend` : ''})`)
  if (otpWasm.module.createEngine) {
    try {
      const js = await otpWasm.module.createEngine({ backend: 'js', threads: 1 })
      lineup.engines.push(js)
      await admit(otpWasmContender('otp-wasm (js backend)', js, await answersWithPromises(js)), lineup, log)
    } catch (error) {
      lineup.excluded.push({ name: 'otp-wasm (js backend)', reason: (error as Error).message })
      log(`  - otp-wasm (js backend): ${(error as Error).message}`)
    }
  }
  return lineup
}

/** Closes the engines the lineup opened. */
export async function closeLineup(lineup: Lineup): Promise<void> {
  for (const engine of lineup.engines.splice(0)) await engine.close()
}

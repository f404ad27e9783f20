/**
 * The figures of `otp bench`: three otp-wasm workloads, each against the node:crypto loop a careful
 * server would write instead, timed in the same process and run. It needs nothing but the package and
 * Node (an installed otp-wasm has no devDependencies); the comparison against the other OTP libraries
 * lives in the repository's bench/ (`npm run bench`).
 *
 * Ratios, not rates, are the figures: the machine may be shared, and both sides of a ratio are
 * timed in interleaved runs, so load from elsewhere slows both alike.
 */
import { createHmac, randomFillSync } from 'node:crypto'
import { BatchBuilder, createEngine, verifyTotp, type Engine } from '../index.js'

/** One figure: otp-wasm's rate, the node:crypto loop's, both in operations per second. */
export interface BenchFigure {
  readonly title: string
  readonly unit: string
  readonly otpWasm: number
  readonly nodeCrypto: number
}

/** Options of {@link benchFigures}. */
export interface BenchFiguresOptions {
  /** Worker threads of the engine that runs the batch and the scan. Default 1, as the node:crypto loop. */
  threads?: number
  /** Timed runs per side and workload, after one untimed warm-up run each. Default 3. */
  runs?: number
  /** Receives each figure as soon as it is measured. */
  onFigure?: (figure: BenchFigure) => void
}

const PERIOD = 30
const NOW = 1_700_000_000
const STEP = Math.floor(NOW / PERIOD)
const BATCH_RECORDS = 1_000_000
const BATCH_USERS = 100_000
const SCAN_COUNTERS = 10_000_000
/** Single calls per timed run: about a tenth of a second on each side. */
const SINGLE_CALLS = { otpWasm: 100_000, nodeCrypto: 20_000 }
/** The node:crypto loops run over a sample of the batch and the scan: their rate is flat in the size. */
const SAMPLE = { batch: 50_000, scan: 200_000 }

/** The big-endian 8-byte counter block of RFC 4226 section 5.2. */
function counterBlock(counter: number): Buffer {
  const block = Buffer.alloc(8)
  block.writeUInt32BE(Math.floor(counter / 2 ** 32), 0)
  block.writeUInt32BE(counter >>> 0, 4)
  return block
}

/** HOTP-SHA-1 with node:crypto, one HMAC object per code: the baseline's unit of work. */
function nodeHotp(key: Uint8Array, counter: number): number {
  const mac = createHmac('sha1', key).update(counterBlock(counter)).digest()
  return (mac.readUInt32BE(mac[19]! & 15) & 0x7fffffff) % 1_000_000
}

/** TOTP verification, window ±1, as a node:crypto loop: the three HMACs, closest step first. */
function nodeVerifyTotp(key: Uint8Array, code: number, step: number): number | null {
  for (const delta of [0, -1, 1]) if (nodeHotp(key, step + delta) === code) return delta
  return null
}

/** Seconds taken by `work`. */
async function seconds(work: () => unknown): Promise<number> {
  const start = process.hrtime.bigint()
  await work()
  return Number(process.hrtime.bigint() - start) / 1e9
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/**
 * Runs both sides once untimed (to compile and warm them), then `runs` times each, alternating which
 * goes first, and answers their median rates. Each side answers the units it processed.
 */
async function race(runs: number, otpWasm: () => Promise<number> | number, nodeCrypto: () => number): Promise<[number, number]> {
  await otpWasm()
  nodeCrypto()
  const rates: [number[], number[]] = [[], []]
  for (let run = 0; run < runs; run++) {
    const order = run % 2 ? [1, 0] : [0, 1]
    for (const side of order) {
      let units = 0
      const time = await seconds(async () => (units = side === 0 ? await otpWasm() : nodeCrypto()))
      rates[side]!.push(units / time)
    }
  }
  return [median(rates[0]), median(rates[1])]
}

/** 20-byte secrets back to back, and secret `i` as a view of them. */
export interface Secrets {
  readonly bytes: Uint8Array
  key(i: number): Uint8Array
}

/** Random 20-byte secrets, back to back. */
function secrets(count: number): Secrets {
  const bytes = randomFillSync(new Uint8Array(count * 20))
  return { bytes, key: (i) => bytes.subarray(i * 20, i * 20 + 20) }
}

/**
 * Each secret's code one step ahead of STEP (time NOW). Where that code is also the secret's code of
 * STEP or of the step behind (one secret in 500,000: one run in six over 100,000 users), a window
 * check rightly answers 0 or -1; such a secret is drawn again, so that both sides' answers can be
 * checked against +1.
 */
export function aheadCodes(users: Secrets, count: number): Uint32Array {
  const codes = new Uint32Array(count)
  for (let u = 0; u < count; u++) {
    const key = users.key(u)
    let code = nodeHotp(key, STEP + 1)
    while (code === nodeHotp(key, STEP) || code === nodeHotp(key, STEP - 1)) code = nodeHotp(randomFillSync(key), STEP + 1)
    codes[u] = code
  }
  return codes
}

/** One TOTP code verified per call, module-level function (the default kernel), window ±1. */
async function singleVerify(runs: number): Promise<BenchFigure> {
  const users = secrets(1024)
  // The code given is one step ahead: both sides compute all three HMACs of the window.
  const codes = aheadCodes(users, 1024)
  const texts = Array.from(codes, (code) => String(code).padStart(6, '0'))
  const options = { time: NOW, period: PERIOD, window: 1 }
  const [otpWasm, nodeCrypto] = await race(
    runs,
    () => {
      for (let i = 0; i < SINGLE_CALLS.otpWasm; i++) {
        if (verifyTotp(users.key(i & 1023), texts[i & 1023]!, options) !== 1) throw new Error(`verifyTotp missed call ${i}`)
      }
      return SINGLE_CALLS.otpWasm
    },
    () => {
      for (let i = 0; i < SINGLE_CALLS.nodeCrypto; i++) {
        if (nodeVerifyTotp(users.key(i & 1023), codes[i & 1023]!, STEP) !== 1) throw new Error(`node:crypto missed call ${i}`)
      }
      return SINGLE_CALLS.nodeCrypto
    },
  )
  return { title: 'verify one TOTP code, window ±1', unit: 'code', otpWasm, nodeCrypto }
}

/** A login storm in columns: 1,000,000 TOTP records of 100,000 users, verified in one call. */
async function columnsBatch(engine: Engine, runs: number): Promise<BenchFigure> {
  const users = secrets(BATCH_USERS)
  const userCodes = aheadCodes(users, BATCH_USERS)
  const keys = Uint32Array.from({ length: BATCH_RECORDS }, (_, i) => i % BATCH_USERS)
  const codes = Uint32Array.from(keys, (u) => userCodes[u]!)
  const times = new Float64Array(BATCH_RECORDS).fill(NOW)
  // The builder is filled once, untimed: the figure is the verification call a server makes on it.
  const batch = new BatchBuilder({ records: BATCH_RECORDS, keys: BATCH_USERS, keyBytes: users.bytes.length })
  batch.addKeys(
    users.bytes,
    Uint32Array.from({ length: BATCH_USERS + 1 }, (_, u) => u * 20),
  )
  batch.addTotpColumns({ keys, codes, times }, { period: PERIOD, window: 1 })
  const [otpWasm, nodeCrypto] = await race(
    runs,
    async () => {
      const { status, delta } = await engine.verifyColumns(batch)
      for (let i = 0; i < BATCH_RECORDS; i++) {
        if (status[i] !== 1 || delta[i] !== 1) throw new Error(`verifyColumns record ${i}: status ${status[i]}, delta ${delta[i]}`)
      }
      return BATCH_RECORDS
    },
    () => {
      for (let i = 0; i < SAMPLE.batch; i++) {
        if (nodeVerifyTotp(users.key(keys[i]!), codes[i]!, STEP) !== 1) throw new Error(`node:crypto missed record ${i}`)
      }
      return SAMPLE.batch
    },
  )
  const title = `verifyColumns, ${BATCH_RECORDS.toLocaleString('en-US')} records, window ±1`
  return { title, unit: 'record', otpWasm, nodeCrypto }
}

/** An HOTP resync over 10,000,000 counters, the codes at the far end, so every counter is tried. */
async function resyncScan(engine: Engine, runs: number): Promise<BenchFigure> {
  const key = secrets(1).key(0)
  const first = SCAN_COUNTERS - 3
  const codes = [0, 1, 2].map((d) => String(nodeHotp(key, first + d)).padStart(6, '0'))
  const [otpWasm, nodeCrypto] = await race(
    runs,
    async () => {
      const next = await engine.resyncHotp(key, codes, 0, { lookAhead: SCAN_COUNTERS })
      if (Number(next) !== SCAN_COUNTERS) throw new Error(`resyncHotp answered ${String(next)}, expected ${SCAN_COUNTERS}`)
      return SCAN_COUNTERS
    },
    () => {
      // The last stretch of the same scan: every counter's code against the first code given, and
      // the codes after it where that matches by chance.
      const wanted = codes.map(Number)
      let found = -1
      for (let counter = first - SAMPLE.scan + 1; counter <= first && found < 0; counter++) {
        if (nodeHotp(key, counter) === wanted[0] && nodeHotp(key, counter + 1) === wanted[1] && nodeHotp(key, counter + 2) === wanted[2]) {
          found = counter
        }
      }
      if (found !== first) throw new Error(`node:crypto scan found ${found}, expected ${first}`)
      return SAMPLE.scan
    },
  )
  return { title: `resync scan, ${SCAN_COUNTERS.toLocaleString('en-US')} counters`, unit: 'counter', otpWasm, nodeCrypto }
}

/**
 * Measures the three figures (all HMAC-SHA-1): one TOTP verification, a 1,000,000-record columnar
 * batch, a 10,000,000-counter resync scan. Throws if either side answers wrongly.
 */
export async function benchFigures(
  options: BenchFiguresOptions = {},
): Promise<{ backend: string; threads: number; figures: BenchFigure[] }> {
  const runs = options.runs ?? 3
  const engine = await createEngine({ threads: options.threads ?? 1 })
  const figures: BenchFigure[] = []
  const add = (figure: BenchFigure): void => {
    figures.push(figure)
    options.onFigure?.(figure)
  }
  try {
    add(await singleVerify(runs))
    add(await columnsBatch(engine, runs))
    add(await resyncScan(engine, runs))
    return { backend: engine.backend, threads: engine.threads, figures }
  } finally {
    await engine.close()
  }
}

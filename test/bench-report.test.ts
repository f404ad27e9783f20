/**
 * The benchmark's reporting (bench/src): chart, terminal table, docs/benchmarks.md and the README's
 * short table, openssl parsing and the RFC proof that admits contenders. No timing is measured here:
 * reports are synthetic.
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  renderBenchmarks,
  renderChart,
  renderSummaryTable,
  renderWorkloadTable,
  writeBenchmarksDoc,
  type BenchReport,
} from '../bench/src/index.js'
import { chooseScale, escapeXml } from '../bench/src/chart.js'
import { fromBytesPerSecond, parseSpeed } from '../bench/src/ceiling.js'
import { formatRate, formatRatio } from '../bench/src/format.js'
import { truncate, writeCounter } from '../bench/src/hotp-by-hand.js'
import { proveBaseline, proveContender } from '../bench/src/rfc-proof.js'
import { nodeCryptoPeer } from '../bench/src/peers/node-crypto.js'
import { median } from '../bench/src/timed-runs.js'
import type { Contender } from '../bench/src/contender.js'

function row(engine: string, ratio: number, extra: Record<string, unknown> = {}) {
  return {
    engine,
    threads: 1,
    opsPerSecond: 100_000 * ratio,
    ratio,
    marginPercent: 1.5,
    samples: 20,
    method: 'benchmark.js' as const,
    ...extra,
  }
}

function syntheticReport(): BenchReport {
  return {
    schema: 1,
    mode: 'full',
    date: '2026-01-02T03:04:05.000Z',
    durationSeconds: 600,
    loadAverageAtEnd: [1.5, 1, 1],
    machine: {
      cpuModel: 'Test CPU <8 cores> & co',
      cores: 2,
      memoryGiB: 24,
      platform: 'Linux 6',
      arch: 'x64',
      node: 'v20.20.2',
      v8: '11',
      wasmSimdSupported: true,
      loadAverage: [0.1, 0.2, 0.3],
      commit: 'abc1234',
    },
    otpWasm: { loaded: true, version: '0.1.0', backend: 'wasm-simd', simdRan: true },
    peers: [
      { name: 'node:crypto', version: '20.20.2', status: 'raced' },
      { name: 'otplib', version: '13.5.0', status: 'raced' },
    ],
    ceiling: null,
    workloads: [
      {
        id: 'generate-sha1',
        title: 'generate one code, HMAC-SHA-1',
        label: 'generate, SHA-1',
        unit: 'code',
        method: 'benchmark.js',
        ceilingPerCore: 3_000_000,
        rows: [row('node:crypto', 1, { baseline: true }), row('otplib', 0.05), row('a|b <peer> & "x"', 0.5), row('otp-wasm', 4.2)],
        skipped: [{ name: 'otplib (node crypto plugin)', reason: 'not installed' }],
        notes: [],
      },
      {
        id: 'resync-scan-1m',
        title: 'resync scan, 1,000,000 counters, SHA-1',
        label: 'resync scan, 1,000,000 counters, SHA-1',
        unit: 'counter',
        method: 'timed runs',
        ceilingPerCore: null,
        rows: [
          row('node:crypto', 1, { baseline: true, method: 'timed runs', samples: 5 }),
          row('node:crypto', 1.9, { threads: 2, method: 'timed runs', samples: 5 }),
          row('otp-wasm', 80, { method: 'timed runs', samples: 5 }),
        ],
        skipped: [],
        notes: ['sampled'],
      },
    ],
    method: ['ratios against node:crypto'],
  }
}

/** Every opened tag is closed, in order: enough to catch broken hand-built markup. */
function tagsBalance(svg: string): boolean {
  const stack: string[] = []
  for (const match of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match
    if (selfClosing) continue
    if (closing) {
      if (stack.pop() !== name) return false
    } else stack.push(name!)
  }
  return stack.length === 0
}

describe('chart', () => {
  const svg = renderChart(syntheticReport())

  it('is one balanced, accessible SVG document', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg).toContain('role="img"')
    expect(svg).toContain('aria-labelledby="chart-title chart-desc"')
    expect(svg).toMatch(/<title id="chart-title">[^<]+<\/title>/)
    expect(svg).toMatch(/<desc id="chart-desc">[^<]+<\/desc>/)
    expect(tagsBalance(svg)).toBe(true)
    expect(svg).not.toMatch(/NaN|undefined|Infinity/)
  })

  it('draws one bar per engine per workload, each with its figure as a tooltip', () => {
    const bars = [...svg.matchAll(/<rect x="[^"]+" y="[^"]+" width="([^"]+)" height="\d+" fill="[^"]+"><title>([^<]+)<\/title><\/rect>/g)]
    expect(bars).toHaveLength(7)
    expect(bars.every(([, width]) => Number(width) > 0)).toBe(true)
    expect(bars.map(([, , title]) => title).join('\n')).toContain('otp-wasm: 80.0× node:crypto')
  })

  it('escapes names and machine text', () => {
    expect(svg).toContain('a|b &lt;peer&gt; &amp; &quot;x&quot;')
    expect(svg).toContain('Test CPU &lt;8 cores&gt; &amp; co')
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;')
  })

  it('marks the openssl reference where the run measured it', () => {
    expect(svg).toContain('stroke-dasharray')
    expect(svg).toContain('openssl 30.0×')
  })

  it('uses a log scale when ratios span more than 20×, labelled as such', () => {
    expect(svg).toContain('log scale')
    const log = chooseScale([0.05, 1, 80])
    expect(log.log).toBe(true)
    expect(log.min).toBe(0.01)
    expect(log.max).toBe(100)
    expect(log.x(1) - log.x(0.1)).toBeCloseTo(log.x(10) - log.x(1), 6)
    const linear = chooseScale([0.5, 1, 4.2])
    expect(linear.log).toBe(false)
    expect(linear.min).toBe(0)
    expect(linear.max).toBeGreaterThanOrEqual(4.2)
    expect(linear.ticks[0]).toBe(0)
  })
})

describe('terminal table', () => {
  it('shows every row with its ratio and margin, the openssl reference, and what was skipped', () => {
    const lines = renderWorkloadTable(syntheticReport().workloads[0]!)
    expect(lines[0]).toContain('generate one code, HMAC-SHA-1')
    expect(lines.some((line) => /node:crypto \(baseline\)\s+100 k\s+1\.00×\s+±1\.5%\s+20$/.test(line))).toBe(true)
    expect(lines.some((line) => /otp-wasm\s+420 k\s+4\.20×/.test(line))).toBe(true)
    expect(lines.some((line) => /openssl reference, 1 core\s+3\.00 M\s+30\.0×/.test(line))).toBe(true)
    expect(lines.some((line) => line.includes('skipped otplib (node crypto plugin): not installed'))).toBe(true)
  })

  it('labels timed runs and threads', () => {
    const lines = renderWorkloadTable(syntheticReport().workloads[1]!)
    expect(lines[0]).toContain('median of timed runs')
    expect(lines.some((line) => /node:crypto, 2 threads\s+190 k\s+1\.90×.*5 runs$/.test(line))).toBe(true)
  })
})

describe('docs/benchmarks.md', () => {
  it('tabulates every figure, links the chart and states the machine', () => {
    const section = renderBenchmarks(syntheticReport(), '../bench/results/full.svg', '../bench/results/full.json')
    expect(section).toContain('Measured on 2026-01-02 in a full run')
    expect(section).toContain('2 cores')
    expect(section).toContain('load average 0.1 at the start and 1.5 at the end, on 2 cores')
    expect(section).toContain('![Speed of each engine relative to node:crypto, per workload](../bench/results/full.svg)')
    // One code at a time: engines as rows, workloads as columns.
    expect(section).toContain('| engine | generate, SHA-1 |')
    expect(section).toContain('| node:crypto (baseline) | 1× (100 k/s) |')
    expect(section).toContain('| **otp-wasm** | **4.20×** ±1.5% |')
    expect(section).toContain('| a\\|b <peer> & "x" | 0.500× ±1.5% |')
    expect(section).toContain('| *openssl reference, 1 core* | *30.0×* |')
    // Batches and scans: one row per engine.
    expect(section).toContain('| resync scan, 1,000,000 counters, SHA-1 | **otp-wasm** | 8.00 M counters | **80.0×** | ±1.5% | 5 |')
    expect(section).toContain('| resync scan, 1,000,000 counters, SHA-1 | node:crypto, 2 threads | 190 k counters | 1.90× | ±1.5% | 5 |')
    expect(section).toContain('- otplib (node crypto plugin): not installed')
  })

  it('is written whole, with links relative to docs/, replacing what was there', async () => {
    const root = await mkdtemp(join(tmpdir(), 'otp-bench-'))
    const doc = join(root, 'docs', 'benchmarks.md')
    await writeBenchmarksDoc(doc, syntheticReport(), join(root, 'bench/results/full.svg'))
    await writeBenchmarksDoc(doc, { ...syntheticReport(), date: '2026-02-03T00:00:00.000Z' }, join(root, 'bench/results/full.svg'))
    const text = await readFile(doc, 'utf8')
    expect(text.startsWith('# Benchmarks\n\n<!-- Generated by `npm run bench -- --update-docs`')).toBe(true)
    expect(text).toContain('Measured on 2026-02-03')
    expect(text).not.toContain('2026-01-02')
    expect(text).toContain('](../bench/results/full.svg)')
    expect(text).toContain('[../bench/results/full.json](../bench/results/full.json)')
    expect(text).toContain('| generate one code | **4.20×** | — | otplib 0.0500× |')
    expect(text.endsWith('.\n')).toBe(true)
  })
})

describe("the README's short table", () => {
  it('gives otp-wasm on one thread and on every core, and the fastest OTP library, in its own order', () => {
    const [single, scan] = syntheticReport().workloads as [BenchReport['workloads'][number], BenchReport['workloads'][number]]
    const scan100m = {
      ...scan,
      id: 'resync-scan-100m',
      rows: [...scan.rows, row('otp-wasm', 150, { threads: 2, method: 'timed runs', samples: 5 })].map((r) =>
        r.engine === 'otp-wasm' ? { ...r, unitsPerRun: 100_000_000 } : r,
      ),
    }
    const table = renderSummaryTable({ ...syntheticReport(), workloads: [scan100m, single] }).split('\n')
    expect(table).toEqual([
      '| HMAC-SHA-1, × node:crypto | otp-wasm, 1 thread | otp-wasm, 2 threads | fastest OTP library |',
      '| --- | ---: | ---: | --- |',
      '| generate one code | **4.20×** | — | otplib 0.0500× |',
      '| resync scan, 100,000,000 counters | **80.0×** | **150×** | no batch API |',
    ])
  })

  it('is empty when the run has none of its workloads', () => {
    expect(renderSummaryTable({ ...syntheticReport(), workloads: [] })).toBe('')
  })
})

describe('openssl reference', () => {
  it('reads bytes per second from openssl speed -mr output', () => {
    expect(parseSpeed('+DT:sha1:1:16384\n+R:100:sha1:1.0\n+H:16384\n+F:25:sha1:1870721810.50\n')).toBe(1870721810.5)
    expect(parseSpeed('Doing sha1 for 1s\n')).toBeNull()
  })

  it('turns it into compressions, counting the padding block, and into HOTPs', () => {
    const sha1 = fromBytesPerSecond('SHA1', 16384 * 1000)
    expect(sha1.compressionsPerSecond).toBe(257_000)
    expect(sha1.hotpPerSecondPrecomputed).toBe(128_500)
    expect(sha1.hotpPerSecondWithKeySetup).toBe(64_250)
    expect(fromBytesPerSecond('SHA512', 16384 * 1000).compressionsPerSecond).toBe(129_000)
  })
})

describe('formatting', () => {
  it('keeps three significant digits', () => {
    expect(formatRate(1_234_567)).toBe('1.23 M')
    expect(formatRate(45_600)).toBe('45.6 k')
    expect(formatRate(512)).toBe('512')
    expect(formatRatio(0.04567)).toBe('0.0457×')
    expect(formatRatio(123.4)).toBe('123×')
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })
})

describe('RFC proof of contenders', () => {
  it('computes RFC 4226 by hand: truncation example of section 5.4 and big-endian counters', () => {
    const mac = Uint8Array.from(Buffer.from('1f8698690e02ca16618550ef7f19da8e945b555a', 'hex'))
    expect(truncate(mac, 6)).toBe('872921')
    expect([...writeCounter(new Uint8Array(8), 2 ** 32 + 258)]).toEqual([0, 0, 0, 1, 0, 0, 1, 2])
  })

  it('admits the node:crypto baseline', async () => {
    expect(() => proveBaseline()).not.toThrow()
    const baseline = await nodeCryptoPeer.load()
    expect(await proveContender(baseline as Contender)).toBeNull()
  })

  it('excludes a contender with a wrong answer, and one that throws', async () => {
    const baseline = (await nodeCryptoPeer.load()) as Contender
    const offByOne: Contender = {
      ...baseline,
      name: 'off by one',
      baseline: false,
      async forKey(algorithm, key) {
        const keyed = await baseline.forKey(algorithm, key)
        return { ...keyed, hotp: (counter) => keyed.hotp(counter + 1) }
      },
    }
    expect(await proveContender(offByOne)).toMatch(/SHA1 HOTP counter 0: expected 755224, got 287082/)
    const acceptsAll: Contender = {
      ...baseline,
      async forKey(algorithm, key) {
        return { ...(await baseline.forKey(algorithm, key)), verifyHotp: () => true }
      },
    }
    expect(await proveContender(acceptsAll)).toMatch(/accepts a wrong code/)
    const throws: Contender = { ...baseline, forKey: async () => Promise.reject(new Error('boom')) }
    expect(await proveContender(throws)).toMatch(/threw Error: boom/)
  })
})

describe('runBench without workloads', () => {
  it('proves every installed contender, loads otp-wasm and writes the JSON and the chart', async () => {
    const { runBench } = await import('../bench/src/index.js')
    const out = await mkdtemp(join(tmpdir(), 'otp-bench-'))
    const lines: string[] = []
    const report = await runBench({ quick: true, only: ['no-such-workload'], openssl: false, out, log: (line) => lines.push(line) })
    expect(report.mode).toBe('quick')
    expect(report.workloads).toEqual([])
    expect(report.otpWasm.loaded).toBe(true)
    expect(report.otpWasm.backend).toMatch(/^(wasm-simd|wasm|js)$/)
    expect(report.peers.find((peer) => peer.name === 'node:crypto')?.status).toBe('raced')
    // Every peer that is installed passes its RFC proof.
    expect(report.peers.filter((peer) => peer.status === 'failed the RFC proof')).toEqual([])
    expect(lines.join('\n')).not.toMatch(/EXCLUDED/)
    const saved = JSON.parse(await readFile(join(out, 'quick.json'), 'utf8')) as BenchReport
    expect(saved.machine.cores).toBeGreaterThan(0)
    expect(tagsBalance(await readFile(join(out, 'quick.svg'), 'utf8'))).toBe(true)
  })
})

describe('interleaved timed runs', () => {
  it('runs every subject once per round, alternating the order, within the budget', async () => {
    const { timeInterleaved } = await import('../bench/src/timed-runs.js')
    const calls: string[] = []
    const subject = (name: string, seconds: number) => ({
      units: 1000,
      run: async () => {
        calls.push(name)
        return seconds
      },
    })
    const { figures, failures } = await timeInterleaved([subject('a', 0.5), subject('b', 0.25)], {
      runs: 4,
      minRuns: 3,
      budgetSeconds: 1_000,
    })
    expect(calls).toEqual(['a', 'b', 'b', 'a', 'a', 'b', 'b', 'a'])
    expect(failures).toEqual([null, null])
    expect(figures[0]?.opsPerSecond).toBe(2000)
    expect(figures[1]?.opsPerSecond).toBe(4000)
    expect(figures[1]?.spreadPercent).toBe(0)
  })

  it('drops a subject whose run throws and goes on with the others', async () => {
    const { timeInterleaved } = await import('../bench/src/timed-runs.js')
    let runs = 0
    const { figures, failures } = await timeInterleaved(
      [
        { units: 10, run: async () => 1 },
        {
          units: 10,
          run: async () => {
            if (++runs === 2) throw new Error('wrong answer')
            return 1
          },
        },
      ],
      { runs: 3, minRuns: 3, budgetSeconds: 0 },
    )
    expect(figures[0]?.secondsPerRun).toHaveLength(3)
    expect(figures[1]).toBeNull()
    expect(failures[1]?.message).toBe('wrong answer')
  })
})

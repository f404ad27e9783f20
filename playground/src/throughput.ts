/**
 * The throughput box: starts the worker, shows each kernel's progress and counters per second.
 * The JS kernel scans a tenth of the counters (at least 1,000): it is an order of magnitude slower.
 */
import { BENCH_KERNELS, type BenchKernel, type BenchMessage, type BenchRequest } from './bench-protocol.js'
import { byId, el, say } from './dom.js'

const LABELS: Record<BenchKernel, string> = { 'wasm-simd': 'WASM SIMD', wasm: 'WASM scalar', js: 'JS fallback' }
const number = new Intl.NumberFormat('en-US')

interface Row {
  counters: HTMLTableCellElement
  progress: HTMLProgressElement
  rate: HTMLTableCellElement
}

let worker: Worker | undefined

function buildRows(request: BenchRequest): Record<BenchKernel, Row> {
  const body = byId('bench-rows', HTMLTableSectionElement)
  const rows = {} as Record<BenchKernel, Row>
  body.replaceChildren(
    ...BENCH_KERNELS.map((kernel) => {
      const tr = el('tr')
      tr.dataset.kernel = kernel
      const name = el('th', LABELS[kernel])
      name.scope = 'row'
      const progress = el('progress')
      progress.max = request[kernel]
      progress.value = 0
      progress.setAttribute('aria-label', `${LABELS[kernel]} progress`)
      const progressCell = el('td')
      progressCell.append(progress)
      const row: Row = { counters: el('td', number.format(request[kernel])), progress, rate: el('td', 'not run', 'rate') }
      tr.append(name, row.counters, progressCell, row.rate)
      rows[kernel] = row
      return tr
    }),
  )
  return rows
}

function stop(message: string): void {
  worker?.terminate()
  worker = undefined
  byId('bench-run', HTMLButtonElement).disabled = false
  byId('bench-stop', HTMLButtonElement).disabled = true
  say(byId('bench-message', HTMLElement), message, 'info')
}

/** The counters each kernel scans, from the input; undefined (and said) when it is out of range. */
function readRequest(): BenchRequest | undefined {
  const input = byId('bench-counters', HTMLInputElement)
  const counters = input.valueAsNumber
  if (!Number.isInteger(counters) || counters < 1000 || counters > 100_000_000) {
    say(byId('bench-message', HTMLElement), 'Counters: a whole number from 1,000 to 100,000,000.', 'error', input)
    return undefined
  }
  input.removeAttribute('aria-invalid')
  return { 'wasm-simd': counters, wasm: counters, js: Math.max(1000, Math.round(counters / 10)) }
}

function run(): void {
  const request = readRequest()
  if (!request) return
  const message = byId('bench-message', HTMLElement)
  const rows = buildRows(request)
  worker?.terminate()
  worker = new Worker(new URL('./bench-worker.js', import.meta.url), { type: 'module' })
  worker.onmessage = (event: MessageEvent<BenchMessage>) => {
    const m = event.data
    if (m.type === 'finished') return stop('Done: each scan found its codes at its last counter, so every counter was computed.')
    const row = rows[m.kernel]
    if (m.type === 'progress') {
      row.progress.value = m.done
      row.rate.textContent = `${Math.round((100 * m.done) / m.total)}%`
    } else if (m.type === 'done') {
      row.progress.value = row.progress.max
      row.counters.textContent = number.format(m.scanned)
      row.rate.textContent = `${number.format(Math.round(m.scanned / m.seconds))} /s in ${m.seconds.toFixed(2)} s`
      row.rate.dataset.rate = String(m.scanned / m.seconds)
      if (!m.last) row.rate.textContent += ' (the codes recurred early by chance: fewer counters scanned)'
    } else {
      row.rate.textContent = `unavailable: ${m.reason}`
    }
  }
  worker.onerror = (event) => stop(`The worker failed: ${event.message}`)
  worker.postMessage(request)
  byId('bench-run', HTMLButtonElement).disabled = true
  byId('bench-stop', HTMLButtonElement).disabled = false
  say(message, 'Running in a Web Worker…', 'info')
}

/** Wires the box's buttons. */
export function setUpThroughput(): void {
  const request = readRequest()
  if (request) buildRows(request)
  byId('bench-run', HTMLButtonElement).addEventListener('click', run)
  byId('bench-stop', HTMLButtonElement).addEventListener('click', () => stop('Stopped.'))
}

/**
 * `otp batch`: verifies a stream of records (NDJSON or CSV) on every core and writes one result line
 * per record, in input order. The input streams through a bounded window of chunks in flight, so its
 * size is limited by nothing but time.
 */
import { once } from 'node:events'
import { createReadStream, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { Piscina } from 'piscina'
import { ALGORITHMS, MAX_WINDOW, createEngine, OtpError } from '../../index.js'
import { LoadedWorkers } from '../../pool/loading.js'
import { parseChoice, parseCommandLine, parseInteger, parseTime, pathShown } from '../args.js'
import { processChunk, type ChunkResult, type ChunkTask, type RecordDefaults } from '../batch/chunk.js'
import { lineChunks } from '../batch/lines.js'
import { Progress } from '../batch/progress.js'
import { BATCH_FORMATS, readCsvHeader, type BatchFormat } from '../batch/records.js'
import { CSV_RESULT_HEADER, formatResult } from '../batch/results.js'
import type { Command } from '../command.js'
import { EXIT_OK, UsageError } from '../exit.js'
import { SECRET_FORMATS } from '../secret-input.js'

/** Input per task: large enough to amortise a worker round trip, small enough to keep memory flat. */
const CHUNK_BYTES = 1 << 20
/** The longest line read; a longer one gets an error result. Equal to the read size (see lineChunks). */
const MAX_LINE_BYTES = 1 << 20

const OPTIONS = {
  format: { type: 'string' },
  output: { type: 'string' },
  threads: { type: 'string' },
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  'secret-format': { type: 'string' },
  time: { type: 'string' },
  window: { type: 'string' },
  digits: { type: 'string' },
  algorithm: { type: 'string' },
  period: { type: 'string' },
  t0: { type: 'string' },
} as const

export const batchCommand: Command = {
  name: 'batch',
  help: `Usage: otp batch [FILE|-] [--format ndjson|csv] [options]

Verifies one record per line of FILE (or standard input) and writes one result line per record,
in input order, to standard output. Blank lines are skipped; a line that cannot be read gets an
error result of its own and the run goes on.

Records (NDJSON objects, or CSV with a header row naming the columns):
  secret      base32, hex:..., text:..., or an otpauth:// URI (its parameters apply)   required
  code        the code, as a string (NDJSON) so that leading zeros survive             required
  counter     HOTP: the expected counter (a decimal string above 2^53 - 1); else TOTP
  time        TOTP: unix seconds (default: --time, else now)
  window, digits, algorithm, period, t0   as for otp verify
  id          echoed in the result
  e.g. {"id":"u1","secret":"JBSWY3DPEHPK3PXP","code":"123456","time":1700000000}

Results (NDJSON; CSV with --output csv, the default for CSV input):
  {"line":1,"id":"u1","valid":true,"delta":0}
  {"line":2,"valid":false,"delta":null}
  {"line":3,"valid":false,"error":{"code":"INVALID_SECRET","message":"..."}}
  CSV columns: line,id,valid,delta,error_code,error_message

Options:
  --format F         ndjson or csv (default: detected from the first line)
  --output F         ndjson or csv (default: the input's format)
  --threads N        worker threads (default: one per core, ${availableParallelism()} here)
  --progress         show the progress line even when stderr is not a terminal
  --no-progress      never show it (by default it shows when stderr is a terminal)
  --secret-format F  base32, hex or text: how secrets without a prefix are written
  --time T, --window N, --digits N, --algorithm A, --period S, --t0 T
                     defaults for records that lack the field
  -h, --help         show this help

Exit status: 0 when every line was answered (valid or not), 2 on a usage or input error.`,

  async run(argv) {
    const { values, positionals } = parseCommandLine(argv, OPTIONS)
    if (positionals.length > 1) throw new UsageError(`expected one FILE (or - for standard input), got ${positionals.length}`)
    const path = positionals[0] ?? '-'
    const forcedFormat = values.format === undefined ? undefined : parseChoice(values.format, '--format', BATCH_FORMATS)
    const forcedOutput = values.output === undefined ? undefined : parseChoice(values.output, '--output', BATCH_FORMATS)
    const threads =
      values.threads === undefined ? availableParallelism() : parseInteger(values.threads, '--threads', 1, 1024)
    if (values.progress && values['no-progress']) throw new UsageError('--progress and --no-progress contradict each other')
    const defaults = readDefaults(values)

    const input = openInput(path)
    const showProgress = values.progress || (!values['no-progress'] && process.stderr.isTTY === true)
    const progress = showProgress ? new Progress(process.stderr, input.size) : undefined

    const run = await startRunner(threads)
    try {
      await verifyStream(input.stream, { forcedFormat, forcedOutput, defaults, run, inFlight: threads * 2, progress })
    } finally {
      await run.close()
    }
    return EXIT_OK
  },
}

interface Runner {
  run(task: ChunkTask): Promise<ChunkResult>
  close(): Promise<void>
}

/** Worker threads over Piscina, each with its own engine; or the calling thread for --threads 1. */
async function startRunner(threads: number): Promise<Runner> {
  if (threads === 1) {
    const engine = await createEngine({ backend: 'auto', threads: 1 })
    return { run: (task) => processChunk(task, engine), close: () => engine.close() }
  }
  const pool = new Piscina<ChunkTask, ChunkResult>({
    filename: new URL('../batch/worker.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
  })
  const loaded = new LoadedWorkers(pool)
  return {
    run: (task) => pool.run(task, { transferList: [task.bytes.buffer as ArrayBuffer] }),
    close: async () => {
      await loaded.all()
      await pool.destroy()
    },
  }
}

interface StreamOptions {
  forcedFormat: BatchFormat | undefined
  forcedOutput: BatchFormat | undefined
  defaults: RecordDefaults
  run: Runner
  inFlight: number
  progress: Progress | undefined
}

/** Reads, verifies and writes: chunks go out to the runner and their results are written in order. */
async function verifyStream(stream: AsyncIterable<Uint8Array>, options: StreamOptions): Promise<void> {
  const { run, progress } = options
  const pending: Array<{ result: Promise<ChunkResult>; inputBytes: number }> = []
  let format = options.forcedFormat
  let output = options.forcedOutput
  let columns: Array<[string, number]> | undefined
  let doneBytes = 0
  let records = 0

  async function writeOldest(): Promise<void> {
    const next = pending.shift()!
    const result = await next.result
    await write(result.text)
    doneBytes += next.inputBytes
    records += result.records
    progress?.update(doneBytes, records)
  }

  for await (const chunk of lineChunks(stream, CHUNK_BYTES, MAX_LINE_BYTES)) {
    if (chunk.kind === 'overlong') {
      format ??= 'ndjson'
      if (output === undefined) {
        output = format
        if (output === 'csv') await write(CSV_RESULT_HEADER)
      }
      const error = new OtpError('INVALID_RECORD', `line is longer than ${MAX_LINE_BYTES} bytes`)
      pending.push({ result: Promise.resolve({ text: formatResult(output, { line: chunk.line }, error), records: 1 }), inputBytes: chunk.inputBytes })
    } else {
      let { bytes, firstLine } = chunk
      if (format === undefined || (format === 'csv' && columns === undefined)) {
        // The first chunk: detect the format, and take the CSV header off the front.
        const head = takeFirstLine(bytes)
        if (head === undefined) {
          pending.push({ result: Promise.resolve({ text: '', records: 0 }), inputBytes: chunk.inputBytes })
          continue
        }
        format ??= head.text.trimStart().startsWith('{') ? 'ndjson' : 'csv'
        if (format === 'csv') {
          const header = readCsvHeader(head.text)
          if (header instanceof OtpError) throw new UsageError(`line ${firstLine + head.linesBefore}: ${header.message}`)
          columns = [...header]
          bytes = bytes.subarray(head.end)
          firstLine += head.linesBefore + 1
        }
      }
      if (output === undefined) {
        output = format
        if (output === 'csv') await write(CSV_RESULT_HEADER)
      }
      // "Now" is taken per chunk, so that a run of hours checks late records against a late clock.
      const task: ChunkTask = { bytes, firstLine, format, output, defaults: options.defaults, now: Date.now() / 1000 }
      if (columns !== undefined) task.columns = columns
      // Transferred to a worker: the bytes must own their buffer.
      if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) task.bytes = bytes.slice()
      pending.push({ result: run.run(task), inputBytes: chunk.inputBytes })
    }
    while (pending.length >= options.inFlight) await writeOldest()
  }
  while (pending.length > 0) await writeOldest()
  progress?.finish(doneBytes, records)
}

/** The first non-blank line of a chunk: its text, where it ends, and how many blank lines precede it. */
function takeFirstLine(bytes: Uint8Array): { text: string; end: number; linesBefore: number } | undefined {
  let start = 0
  let linesBefore = 0
  while (start < bytes.length) {
    const newline = bytes.indexOf(0x0a, start)
    const end = newline < 0 ? bytes.length : newline + 1
    const text = new TextDecoder().decode(bytes.subarray(start, newline < 0 ? bytes.length : newline)).replace(/\r$/, '')
    if (text.trim() !== '') return { text, end, linesBefore }
    linesBefore++
    start = end
  }
  return undefined
}

/** Writes to stdout, waiting when its buffer is full so that memory stays bounded. */
async function write(text: string): Promise<void> {
  if (text !== '' && !process.stdout.write(text)) await once(process.stdout, 'drain')
}

function openInput(path: string): { stream: AsyncIterable<Uint8Array>; size: number | undefined } {
  if (path === '-') return { stream: process.stdin, size: undefined }
  let size: number | undefined
  try {
    const stats = statSync(path)
    if (stats.isDirectory()) throw new UsageError(`cannot read ${pathShown(path)}: it is a directory`)
    size = stats.isFile() ? stats.size : undefined
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`cannot read ${pathShown(path)} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`)
  }
  return { stream: createReadStream(path, { highWaterMark: MAX_LINE_BYTES }), size }
}

function readDefaults(values: {
  'secret-format'?: string
  time?: string
  window?: string
  digits?: string
  algorithm?: string
  period?: string
  t0?: string
}): RecordDefaults {
  const defaults: RecordDefaults = {}
  if (values['secret-format'] !== undefined) defaults.secretFormat = parseChoice(values['secret-format'], '--secret-format', SECRET_FORMATS)
  if (values.time !== undefined) defaults.time = parseTime(values.time, '--time')
  if (values.t0 !== undefined) defaults.t0 = parseTime(values.t0, '--t0')
  if (values.window !== undefined) defaults.window = parseInteger(values.window, '--window', 0, MAX_WINDOW)
  if (values.digits !== undefined) defaults.digits = parseInteger(values.digits, '--digits', 6, 10)
  if (values.algorithm !== undefined) defaults.algorithm = parseChoice(values.algorithm, '--algorithm', ALGORITHMS)
  if (values.period !== undefined) defaults.period = parseInteger(values.period, '--period', 1, Number.MAX_SAFE_INTEGER)
  return defaults
}

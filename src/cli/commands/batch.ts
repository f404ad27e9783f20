/**
 * `otp batch`: verifies a stream of records (NDJSON or CSV) on every core and writes one result line
 * per record, in input order. The calling thread reads the lines into records; the engine verifies
 * them on its worker pool (createEngine, with its fault rules), a bounded number of pieces in flight,
 * so the input's size is limited by nothing but time.
 */
import { once } from 'node:events'
import { createReadStream, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import type { VerifyRecord } from '../../batch/records.js'
import { OtpError } from '../../core/errors.js'
import { ALGORITHMS } from '../../core/kernel.js'
import { MAX_WINDOW } from '../../core/validate.js'
import type { Engine } from '../../engine/engine.js'
import { parseChoice, parseCommandLine, parseInteger, parseTime, pathShown } from '../args.js'
import { LineReader, type RecordDefaults } from '../batch/line-records.js'
import { lineChunks } from '../batch/lines.js'
import { OrderedRows } from '../batch/ordered-rows.js'
import { Progress } from '../batch/progress.js'
import { BATCH_FORMATS, readCsvHeader, type BatchFormat } from '../batch/records.js'
import { CSV_RESULT_HEADER } from '../batch/results.js'
import type { Command } from '../command.js'
import { EXIT_OK, UsageError } from '../exit.js'
import { PROGRAM } from '../program.js'
import { SECRET_FORMATS } from '../secret-input.js'

/** Input read per piece of lines: large enough to parse in one stretch, small enough to keep memory flat. */
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
error result of its own (with the record's id) and the run goes on. The records are verified on
a pool of worker threads; the input streams through, so its size is limited by time alone.

Records (NDJSON objects, or CSV with a header row naming the columns):
  secret      base32, hex:..., text:..., or an otpauth:// URI (its parameters apply)   required
  code        the code, as a string (NDJSON) so that leading zeros survive: a code with
              fewer digits than expected is an error that says a zero was lost      required
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

Examples:
  otp batch logins.ndjson > results.ndjson
  otp batch seeds.csv --time 1733400000 --window 2 --output ndjson
  producer | otp batch - | consumer          standard input (on a terminal, end it with Ctrl-D)

Exit status: 0 when every line was answered (valid or not), 2 on a usage or input error.`,

  async run(argv) {
    const { values, positionals } = parseCommandLine(argv, OPTIONS)
    if (positionals.length > 1) throw new UsageError(`expected one FILE (or - for standard input), got ${positionals.length}`)
    const path = positionals[0] ?? '-'
    const forcedFormat = values.format === undefined ? undefined : parseChoice(values.format, '--format', BATCH_FORMATS)
    const forcedOutput = values.output === undefined ? undefined : parseChoice(values.output, '--output', BATCH_FORMATS)
    const threads = values.threads === undefined ? availableParallelism() : parseInteger(values.threads, '--threads', 1, 1024)
    if (values.progress && values['no-progress']) throw new UsageError('--progress and --no-progress contradict each other')
    const defaults = readDefaults(values)

    const input = openInput(path)
    if (path === '-' && process.stdin.isTTY === true) {
      // Waiting for a terminal that the user does not know is being read looks like a hang.
      const end = process.platform === 'win32' ? 'Ctrl-Z then Enter' : 'Ctrl-D at the start of a line'
      process.stderr.write(
        `${PROGRAM} batch: reading records from standard input (the terminal): type or paste NDJSON or CSV lines, ` +
          `then press ${end} to end (Ctrl-C to stop). Give a FILE to read a file.\n`,
      )
    }
    const showProgress = values.progress || (!values['no-progress'] && process.stderr.isTTY === true)
    const progress = showProgress ? new Progress(process.stderr, input.size) : undefined

    // The engine's pool: its workers, its shard sizes, and its fault rule (a shard lost twice to a
    // failing worker answers each of its records with WORKER_FAILED).
    const { createEngine } = await import('../../create-engine.js')
    const engine = await createEngine({ backend: 'auto', threads })
    try {
      await verifyInput(input.stream, engine, { forcedFormat, forcedOutput, defaults, progress })
    } finally {
      await engine.close()
    }
    return EXIT_OK
  },
}

interface InputOptions {
  forcedFormat: BatchFormat | undefined
  forcedOutput: BatchFormat | undefined
  defaults: RecordDefaults
  progress: Progress | undefined
}

/**
 * Reads, verifies and writes: each piece of the input's lines becomes a verifyBatch call on the
 * engine, a few pieces in flight (enough to keep every worker busy while the calling thread reads
 * the next ones), and each piece's answers are written in input order as they come.
 */
async function verifyInput(stream: AsyncIterable<Uint8Array>, engine: Engine, options: InputOptions): Promise<void> {
  const { progress } = options
  const inFlight = PIECES_PER_THREAD * engine.threads
  const pending: Array<Promise<Array<number | null | OtpError>>> = []
  let format = options.forcedFormat
  let rows: OrderedRows | undefined
  let reader: LineReader | undefined
  let doneBytes = 0
  let records = 0

  async function flush(): Promise<void> {
    if (rows === undefined) return
    const settled = rows.take()
    doneBytes += settled.inputBytes
    records += settled.records
    await write(settled.text)
    progress?.update(doneBytes, records)
  }

  /** Writes the answers of the oldest piece in flight, and the rows settled after them. */
  async function writeOldest(): Promise<void> {
    for (const outcome of await pending.shift()!) rows!.answer(outcome)
    await flush()
  }

  /** The rows, once the output format is known; writes the CSV output's header first. */
  async function startRows(): Promise<OrderedRows> {
    if (rows === undefined) {
      const output = options.forcedOutput ?? format!
      if (output === 'csv') await write(CSV_RESULT_HEADER)
      rows = new OrderedRows(output)
    }
    return rows
  }

  for await (const chunk of lineChunks(stream, CHUNK_BYTES, MAX_LINE_BYTES)) {
    if (chunk.kind === 'overlong') {
      format ??= 'ndjson'
      const out = await startRows()
      out.addSettled(chunk.line, new OtpError('INVALID_RECORD', `line is longer than ${MAX_LINE_BYTES} bytes`), undefined)
      out.addInputBytes(chunk.inputBytes)
      if (pending.length === 0) await flush()
      continue
    }
    let { bytes, firstLine } = chunk
    if (reader === undefined) {
      // The first lines: detect the format, and take the CSV header off the front.
      const head = takeFirstLine(bytes)
      if (head === undefined) {
        doneBytes += chunk.inputBytes
        continue
      }
      format ??= head.text.trimStart().startsWith('{') ? 'ndjson' : 'csv'
      let columns: Map<string, number> | undefined
      if (format === 'csv') {
        const header = readCsvHeader(head.text)
        if (header instanceof OtpError) throw new UsageError(`line ${firstLine + head.linesBefore}: ${header.message}`)
        columns = header
        bytes = bytes.subarray(head.end)
        firstLine += head.linesBefore + 1
      }
      reader = new LineReader(format, columns, options.defaults)
    }
    const out = await startRows()
    const piece: VerifyRecord[] = []
    const lines = decoder.decode(bytes).split('\n')
    if (lines[lines.length - 1] === '') lines.pop()
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!
      if (line.length === 0 || (line.charCodeAt(0) <= 0x20 && line.trim() === '')) continue
      const read = reader.read(line)
      if ('error' in read) out.addSettled(firstLine + i, read.error, read.id)
      else {
        out.addPending(firstLine + i, read.id)
        piece.push(read)
      }
    }
    out.addInputBytes(chunk.inputBytes)
    if (piece.length > 0) {
      const answers = engine.verifyBatch(piece)
      // Awaited in order below; until then a rejection must not count as unhandled.
      answers.catch(() => {})
      pending.push(answers)
    } else if (pending.length === 0) await flush()
    while (pending.length >= inFlight) await writeOldest()
  }
  while (pending.length > 0) await writeOldest()
  await flush()
  progress?.finish(doneBytes, records)
}

/**
 * Pieces in flight per worker thread: one being computed, one waiting, so that a worker finishing
 * finds its next piece ready while the calling thread reads the one after.
 */
const PIECES_PER_THREAD = 2

const decoder = new TextDecoder()

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

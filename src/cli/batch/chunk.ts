/**
 * Verifies one chunk of `otp batch` input: whole lines in, result lines out, in order. Runs in a
 * worker thread (worker.ts) or in the calling thread; either way through the library's columnar batch
 * (BatchBuilder + engine.verifyColumns), with each distinct secret set up once per chunk.
 */
import { BatchBuilder, INVALID_STATUS, MATCH_STATUS, OtpError, type Algorithm, type Engine } from '../../index.js'
import { UsageError } from '../exit.js'
import { parseSecretText, type SecretInput } from '../secret-input.js'
import { readCsvLine, readJsonLine, type BatchFormat, type LineRecord } from './records.js'
import { formatResult, type ResultSource } from './results.js'

/** Values that apply to records lacking the field (the command's flags). */
export interface RecordDefaults {
  secretFormat?: string
  time?: number
  period?: number
  t0?: number
  window?: number
  digits?: number
  algorithm?: string
}

/** One chunk of work; plain data, so that it can cross to a worker thread. */
export interface ChunkTask {
  /** Whole lines of UTF-8 text. */
  bytes: Uint8Array
  /** The input line number (1-based) of the first line in `bytes`. */
  firstLine: number
  format: BatchFormat
  output: BatchFormat
  /** CSV: column name -> index, from the header. */
  columns?: Array<[string, number]>
  defaults: RecordDefaults
  /** Unix seconds for TOTP records without a time, when no --time was given. */
  now: number
}

export interface ChunkResult {
  /** The result lines. */
  text: string
  /** How many records (non-blank lines) they answer. */
  records: number
}

interface KeyEntry {
  index: number
  uri: SecretInput['uri']
}

const decoder = new TextDecoder()

/** Verifies every record of the chunk; a line that cannot be read gets its error result. */
export async function processChunk(task: ChunkTask, engine: Engine): Promise<ChunkResult> {
  const { defaults } = task
  const columns = task.columns ? new Map(task.columns) : undefined
  const builder = new BatchBuilder()
  const keys = new Map<string, KeyEntry | OtpError>()
  const sources: ResultSource[] = []

  const lines = decoder.decode(task.bytes).split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!
    if (line.trim() === '') continue
    const record = task.format === 'csv' ? readCsvLine(line, columns!) : readJsonLine(line)
    const source: ResultSource = { line: task.firstLine + i }
    sources.push(source)
    if (record instanceof OtpError) {
      builder.addSettled(record)
      continue
    }
    if (record.id !== undefined) source.id = record.id
    const key = keyFor(record, keys, builder, defaults)
    if (key instanceof OtpError) {
      builder.addSettled(key)
      continue
    }
    addRecord(builder, key, record, task)
  }

  try {
    const { status, delta, errors } = await engine.verifyColumns(builder)
    let text = ''
    for (let r = 0; r < sources.length; r++) {
      const outcome = status[r] === MATCH_STATUS ? delta[r]! : status[r] === INVALID_STATUS ? errors.get(r)! : null
      text += formatResult(task.output, sources[r]!, outcome)
    }
    return { text, records: sources.length }
  } finally {
    builder.wipe()
  }
}

/** The builder's key for the record's secret and algorithm, added on first use. */
function keyFor(
  record: LineRecord,
  keys: Map<string, KeyEntry | OtpError>,
  builder: BatchBuilder,
  defaults: RecordDefaults,
): KeyEntry | OtpError {
  const cacheKey = `${record.algorithm ?? ''}\0${record.secret}`
  let entry = keys.get(cacheKey)
  if (entry === undefined) {
    try {
      const secret = parseSecretText(record.secret, defaults.secretFormat)
      const algorithm = record.algorithm ?? secret.uri?.algorithm ?? defaults.algorithm ?? 'SHA1'
      // addKey keeps a bad algorithm as the error of every record that uses the key.
      entry = { index: builder.addKey(secret.key, algorithm as Algorithm), uri: secret.uri }
    } catch (error) {
      entry =
        error instanceof OtpError
          ? error
          : new OtpError('INVALID_SECRET', error instanceof UsageError ? error.message : 'the secret could not be read')
    }
    keys.set(cacheKey, entry)
  }
  return entry
}

/** Adds an HOTP record (a counter, or an hotp URI) or a TOTP record. Record fields win over the URI's, which win over the flags. */
function addRecord(builder: BatchBuilder, key: KeyEntry, record: LineRecord, task: ChunkTask): void {
  const { defaults } = task
  const uri = key.uri
  const digits = record.digits ?? uri?.digits ?? defaults.digits
  if (record.counter !== undefined || uri?.type === 'hotp') {
    const counter = record.counter ?? uri!.counter!
    builder.addHotp(key.index, record.code, counter, { window: record.window ?? defaults.window, digits })
    return
  }
  builder.addTotp(key.index, record.code, record.time ?? defaults.time ?? task.now, {
    window: record.window ?? defaults.window,
    digits,
    period: record.period ?? uri?.period ?? defaults.period,
    t0: record.t0 ?? defaults.t0,
  })
}

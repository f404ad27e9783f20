/**
 * Turns the lines of an `otp batch` input into the engine's verify records (VerifyRecord), or into
 * the error of a line that is not one. The engine checks every value it is given and answers a bad
 * record with its own OtpError; what is checked here is what only the command knows: how a secret is
 * written (hex:, text:, an otpauth:// URI, --secret-format), the flags' defaults, and two mistakes
 * that would otherwise pass for codes that do not verify (a lost leading zero, a time in ms).
 */
import { OtpError } from '../../core/errors.js'
import type { VerifyRecord } from '../../batch/records.js'
import { MILLISECONDS_FROM } from '../args.js'
import { UsageError } from '../exit.js'
import { parseSecretText, type SecretInput } from '../secret-input.js'
import { readCsvLine, readJsonLine, type BadLine, type BatchFormat, type LineRecord } from './records.js'

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

/** One line's record for the engine, with the id its result echoes (which the engine ignores). */
export type IdentifiedRecord = VerifyRecord & { readonly id?: string | number }

/** Secrets read in other formats than plain base32, kept per text: most files repeat each secret. */
const SECRET_MEMORY = 65_536

/** Reads lines of one format into verify records, each distinct secret text decoded once. */
export class LineReader {
  private readonly secrets = new Map<string, SecretInput | OtpError>()
  /** Plain base32 goes to the engine as text, which decodes (and remembers) it itself. */
  private readonly plainBase32: boolean

  constructor(
    private readonly format: BatchFormat,
    private readonly columns: ReadonlyMap<string, number> | undefined,
    private readonly defaults: RecordDefaults,
  ) {
    this.plainBase32 = defaults.secretFormat === undefined || defaults.secretFormat.toLowerCase() === 'base32'
  }

  /** The record of one non-blank line, or the line's error (with the record's id when it has one). */
  read(line: string): IdentifiedRecord | BadLine {
    const fields = this.format === 'csv' ? readCsvLine(line, this.columns!) : readJsonLine(line)
    if (!('secret' in fields)) return fields
    const record = this.toVerifyRecord(fields)
    if (record instanceof OtpError) return fields.id === undefined ? { error: record } : { error: record, id: fields.id }
    return record
  }

  /**
   * Record fields win over the URI's, which win over the flags. The record becomes the engine's
   * VerifyRecord in place (the engine ignores the fields it does not know, such as id).
   */
  private toVerifyRecord(fields: LineRecord): IdentifiedRecord | OtpError {
    const { defaults } = this
    const record = fields as unknown as Record<string, unknown>
    let uri: SecretInput['uri']
    if (!this.plainBase32 || /^(otpauth|hex:|text:|base32:)/i.test(fields.secret.trimStart())) {
      const read = this.readSecret(fields.secret)
      if (read instanceof OtpError) return read
      record.secret = read.key
      uri = read.uri
    }
    const digits = fields.digits ?? uri?.digits ?? defaults.digits
    const lostZero = lostLeadingZero(fields.code, digits ?? 6)
    if (lostZero !== undefined) return lostZero
    if (fields.digits === undefined && digits !== undefined) record.digits = digits
    if (fields.algorithm === undefined) {
      const algorithm = uri?.algorithm ?? defaults.algorithm
      if (algorithm !== undefined) record.algorithm = algorithm
    }
    if (fields.window === undefined && defaults.window !== undefined) record.window = defaults.window
    if (fields.counter !== undefined || uri?.type === 'hotp') {
      if (fields.counter === undefined) record.counter = uri!.counter!
      return fields as IdentifiedRecord
    }
    const time = fields.time ?? defaults.time
    if (time !== undefined && Math.abs(time) >= MILLISECONDS_FROM) {
      return new OtpError('INVALID_TIME', `"time" is unix seconds; ${time} looks like milliseconds (divide it by 1000)`)
    }
    // No time: the engine takes "now" as it packs the record, so a run of hours checks late records late.
    if (fields.time === undefined && time !== undefined) record.time = time
    if (fields.period === undefined) {
      const period = uri?.period ?? defaults.period
      if (period !== undefined) record.period = period
    }
    if (fields.t0 === undefined && defaults.t0 !== undefined) record.t0 = defaults.t0
    return fields as IdentifiedRecord
  }

  private readSecret(text: string): SecretInput | OtpError {
    let read = this.secrets.get(text)
    if (read === undefined) {
      try {
        read = parseSecretText(text, this.defaults.secretFormat)
      } catch (error) {
        read =
          error instanceof OtpError
            ? error
            : new OtpError('INVALID_SECRET', error instanceof UsageError ? error.message : 'the secret could not be read')
      }
      if (this.secrets.size >= SECRET_MEMORY) this.secrets.clear()
      this.secrets.set(text, read)
    }
    return read
  }
}

/**
 * A code of digits only, shorter than the record's digits: a spreadsheet read it as a number and
 * dropped its leading zeros ('012345' became 12345). Said so, rather than answered "does not verify".
 */
function lostLeadingZero(code: string, digits: number): OtpError | undefined {
  if (code.length >= digits || !/^\d+$/.test(code) || !(digits >= 6 && digits <= 10)) return undefined
  const lost = digits - code.length
  return new OtpError(
    'INVALID_CODE',
    `code has ${code.length} digits where ${digits} are expected: ${lost === 1 ? 'a leading zero was' : `${lost} leading zeros were`} ` +
      'probably lost, as spreadsheets drop them; keep codes as text (a JSON string, a CSV column formatted as text)',
  )
}

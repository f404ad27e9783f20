/**
 * Result lines of `otp batch`: one per record, NDJSON or CSV, each naming the input line it answers.
 */
import type { OtpError } from '../../core/errors.js'
import type { BatchFormat } from './records.js'

/** Where a result came from: its input line, and the record's id when it had one. */
export interface ResultSource {
  line: number
  id?: string | number
}

/** The CSV output's header line. */
export const CSV_RESULT_HEADER = 'line,id,valid,delta,error_code,error_message\n'

/**
 * One result line: `delta` is the matched delta (valid), null (no match), or the record's error.
 * NDJSON: {"line":3,"id":"u1","valid":true,"delta":0}, {"line":4,"valid":false,"delta":null},
 * {"line":5,"valid":false,"error":{"code":"INVALID_SECRET","message":"..."}}.
 */
export function formatResult(format: BatchFormat, source: ResultSource, outcome: number | null | OtpError): string {
  if (format === 'csv') {
    const id = source.id === undefined ? '' : csvCell(String(source.id))
    if (typeof outcome === 'number') return `${source.line},${id},true,${outcome},,\n`
    if (outcome === null) return `${source.line},${id},false,,,\n`
    return `${source.line},${id},false,,${outcome.code},${csvCell(outcome.message)}\n`
  }
  const id = source.id === undefined ? '' : `"id":${JSON.stringify(source.id)},`
  if (typeof outcome === 'number') return `{"line":${source.line},${id}"valid":true,"delta":${outcome}}\n`
  if (outcome === null) return `{"line":${source.line},${id}"valid":false,"delta":null}\n`
  const error = `{"code":"${outcome.code}","message":${JSON.stringify(outcome.message)}}`
  return `{"line":${source.line},${id}"valid":false,"error":${error}}\n`
}

/** Quotes a CSV cell when it holds a comma, a quote or a line break (RFC 4180). */
function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

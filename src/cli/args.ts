/**
 * Command-line parsing on node:util parseArgs, and the value parsers every command shares. Each
 * parser throws UsageError naming the option and what it expects.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './exit.js'

type OptionsConfig = NonNullable<ParseArgsConfig['options']>

/** The options every command has. */
const COMMON = { help: { type: 'boolean', short: 'h' } } as const

/** What parseCommandLine returns: each option's value (string or boolean) if given, and the arguments. */
export interface CommandLine<T extends OptionsConfig> {
  values: { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string }
  positionals: string[]
}

/**
 * Parses `argv` strictly: unknown options and missing option values are usage errors. `--help` is
 * added to every command's options.
 */
export function parseCommandLine<const T extends OptionsConfig>(argv: string[], options: T): CommandLine<T> {
  try {
    const parsed = parseArgs({ args: argv, options: { ...options, ...COMMON }, allowPositionals: true, strict: true })
    return parsed as unknown as CommandLine<T>
  } catch (error) {
    // parseArgs's messages name the option, never a positional argument (which may be a secret).
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error)
    throw new UsageError(message)
  }
}

/** A whole number from `min` to `max`, written in decimal. */
export function parseInteger(text: string, option: string, min: number, max: number): number {
  const value = /^-?\d{1,16}$/.test(text) ? Number(text) : NaN
  if (!(value >= min && value <= max)) {
    throw new UsageError(`${option} expects a whole number from ${min} to ${max}, got '${shorten(text)}'`)
  }
  return value
}

/** The largest 64-bit counter. */
const MAX_COUNTER = (1n << 64n) - 1n

/** A 64-bit counter (0 to 2^64 - 1) in decimal; a bigint above 2^53 - 1, as the library takes it. */
export function parseCounter(text: string, option: string): number | bigint {
  const value = /^\d{1,20}$/.test(text) ? BigInt(text) : -1n
  if (value < 0n || value > MAX_COUNTER) {
    throw new UsageError(`${option} expects a counter, a whole number from 0 to 2^64 - 1, got '${shorten(text)}'`)
  }
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
}

/**
 * A moment as unix seconds: a number (`1111111109`, `59.5`) or an ISO 8601 date with a time zone
 * (`2005-03-18T01:58:29Z`).
 */
export function parseTime(text: string, option: string): number {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text)
  const isoWithZone = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i
  const millis = isoWithZone.test(text) ? Date.parse(text) : NaN
  if (Number.isNaN(millis)) {
    throw new UsageError(
      `${option} expects unix seconds or an ISO 8601 date with a time zone (2005-03-18T01:58:29Z), got '${shorten(text)}'`,
    )
  }
  return millis / 1000
}

/** One of a fixed set of words, in any letter case; returns the spelling of `choices`. */
export function parseChoice<const C extends string>(text: string, option: string, choices: readonly C[]): C {
  const found = choices.find((choice) => choice.toLowerCase() === text.toLowerCase())
  if (found === undefined) {
    throw new UsageError(`${option} expects one of ${choices.join(', ')}, got '${shorten(text)}'`)
  }
  return found
}

/** Exactly `count` positional arguments, named for the message. */
export function expectPositionals(positionals: string[], names: string[], atLeast = names.length): void {
  if (positionals.length < atLeast) {
    throw new UsageError(`missing ${names.slice(positionals.length).join(' and ')}`)
  }
  if (positionals.length > names.length && atLeast === names.length) {
    throw new UsageError(`expected ${names.join(' ')}, got ${positionals.length} arguments`)
  }
}

/** Keeps an echoed option value short. Only option values are echoed, never secrets. */
export function shorten(text: string): string {
  return text.length > 32 ? `${text.slice(0, 32)}...` : text
}

/**
 * Command-line parsing on node:util parseArgs, and the value parsers every command shares. Each
 * parser throws UsageError naming the option and what it expects. A value is echoed back only when
 * it cannot be a secret (a short whole number): an option value may be a secret or a code typed in
 * the wrong place, and an error message often ends up in a log or a ticket.
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
 * Parses `argv` strictly: unknown options, missing option values and values given to flags are usage
 * errors, each naming the option. `--help` is added to every command's options. An option value may
 * start with '-' (`--hotp -1`), so that the option's own parser can say what is wrong with it, unless
 * it is one of the command's options (`--hotp --digits 8`: the counter was forgotten).
 */
export function parseCommandLine<const T extends OptionsConfig>(argv: string[], options: T): CommandLine<T> {
  const all: OptionsConfig = { ...options, ...COMMON }
  // Not strict: parseArgs's own errors quote what was typed and suggest '--hotp=-XYZ'; these are ours.
  const { tokens } = parseArgs({ args: argv, options: all, allowPositionals: true, strict: false, tokens: true })
  const values: Record<string, string | boolean> = {}
  const positionals: string[] = []
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value)
    if (token.kind !== 'option') continue
    const config = Object.hasOwn(all, token.name) ? all[token.name] : undefined
    if (config === undefined) throw unknownOption(token.rawName, Object.keys(all))
    const name = `--${token.name}`
    if (config.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${name} is a switch and takes no value`)
      values[token.name] = true
      continue
    }
    const value = token.value
    if (value === undefined) throw new UsageError(`${name} needs a value`)
    if (!token.inlineValue && isOptionOf(value, all)) {
      throw new UsageError(`${name} needs a value, but the next argument is the option ${value.split('=', 1)[0]}`)
    }
    values[token.name] = value
  }
  return { values, positionals } as CommandLine<T>
}

/** True when `text` is written as one of the options (`--digits`, `--digits=8`, `-h`). */
function isOptionOf(text: string, options: OptionsConfig): boolean {
  const long = /^--([^=]+)/.exec(text)
  if (long !== null) return Object.hasOwn(options, long[1]!)
  return /^-[a-zA-Z]$/.test(text) && Object.values(options).some((option) => option.short === text[1])
}

/**
 * "unknown option --digit; did you mean --digits?". The name is echoed only when it looks like an
 * option name: a secret pasted after a dash is not.
 */
function unknownOption(rawName: string, known: string[]): UsageError {
  const name = rawName.replace(/^-+/, '')
  const guess = closest(name.toLowerCase(), known)
  // Option names are short lowercase words; digits only in a near miss of one (--t1 for --t0).
  if (!/^[a-z][a-z0-9-]{0,23}$/.test(name) || (/\d/.test(name) && guess === undefined)) {
    return new UsageError(`unknown option (${rawName.length} characters, not shown); the options are --${known.join(', --')}`)
  }
  return new UsageError(`unknown option ${rawName}${guess === undefined ? '' : `; did you mean --${guess}?`}`)
}

/**
 * The word of `words` closest to `typed` by edit distance, if it is close: one edit for short words,
 * two from five letters on; also a word that `typed` begins (`--alg` for --algorithm).
 */
export function closest(typed: string, words: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const word of words) {
    const distance = editDistance(typed, word)
    if (distance < bestDistance) [best, bestDistance] = [word, distance]
  }
  if (best !== undefined && bestDistance <= (typed.length >= 5 ? 2 : 1)) return best
  if (typed.length >= 3) return words.find((word) => word.startsWith(typed))
  return undefined
}

/** Levenshtein distance, with a swap of two neighbouring letters counted as one edit (`--digtis`). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1)
      rows[i]![j] = d
    }
  }
  return rows[a.length]![b.length]!
}

/** A whole number from `min` to `max`, written in decimal. */
export function parseInteger(text: string, option: string, min: number, max: number): number {
  const value = /^-?\d{1,16}$/.test(text) ? Number(text) : NaN
  if (!(value >= min && value <= max)) {
    throw new UsageError(`${option} expects a whole number from ${min} to ${max}, got ${shown(text)}`)
  }
  return value
}

/** The largest 64-bit counter. */
const MAX_COUNTER = (1n << 64n) - 1n

/** A 64-bit counter (0 to 2^64 - 1) in decimal; a bigint above 2^53 - 1, as the library takes it. */
export function parseCounter(text: string, option: string): number | bigint {
  if (/^-\d+$/.test(text)) throw new UsageError(`${option} expects a counter, which must be 0 or more, got ${shown(text)}`)
  const value = /^\d{1,20}$/.test(text) ? BigInt(text) : -1n
  if (value < 0n || value > MAX_COUNTER) {
    throw new UsageError(`${option} expects a counter, a whole number from 0 to 2^64 - 1, got ${shown(text)}`)
  }
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
}

/**
 * Unix seconds from which a time is taken for milliseconds (Date.now(), JavaScript's habit): 10^11 s
 * is in the year 5138, 10^11 ms in 1973.
 */
export const MILLISECONDS_FROM = 1e11

/**
 * A moment as unix seconds: a number (`1111111109`, `59.5`) or an ISO 8601 date with a time zone
 * (`2005-03-18T01:58:29Z`). A number of milliseconds is refused, not read as a date 30,000 years on.
 */
export function parseTime(text: string, option: string): number {
  if (/^-?\d+(\.\d+)?$/.test(text)) {
    const seconds = Number(text)
    if (Math.abs(seconds) >= MILLISECONDS_FROM) {
      throw new UsageError(`${option} is unix seconds; ${text} looks like milliseconds (divide it by 1000)`)
    }
    return seconds
  }
  const isoWithZone = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i
  const millis = isoWithZone.test(text) ? Date.parse(text) : NaN
  if (Number.isNaN(millis)) {
    throw new UsageError(`${option} expects unix seconds or an ISO 8601 date with a time zone (2005-03-18T01:58:29Z), got ${shown(text)}`)
  }
  return millis / 1000
}

/** One of a fixed set of words, in any letter case; returns the spelling of `choices`. */
export function parseChoice<const C extends string>(text: string, option: string, choices: readonly C[]): C {
  const found = choices.find((choice) => choice.toLowerCase() === text.toLowerCase())
  if (found === undefined) {
    throw new UsageError(`${option} expects one of ${choices.join(', ')}, got ${shown(text)}`)
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

/**
 * What a message may say of a value that was not accepted: a whole number of up to four characters
 * as it is (no secret, code or key is that short), anything else by its length alone.
 */
export function shown(text: string): string {
  if (/^-?\d{1,4}$/.test(text)) return `'${text}'`
  if (text === '') return 'an empty value'
  return `${text.length} characters (not shown, in case they are a secret)${misplacedHint(text)}`
}

/** A hint for a value that looks like a secret or a URI typed where an option value goes. */
export function misplacedHint(text: string): string {
  if (/^otpauth(-migration)?:/i.test(text.trim())) return '; it looks like an otpauth URI, which goes where SECRET does'
  if (/^[A-Z2-7]{16,}=*$/i.test(text.replace(/\s/g, '')) && /[2-7]/.test(text))
    return '; it looks like a base32 secret, which goes where SECRET does'
  return ''
}

/**
 * A file name for a message: shown when it looks like one (letters, digits, `._/~-` and a dot
 * somewhere), else described, since a secret, a key or a URI typed where a file goes has none of
 * those dots (base32, hex and base64 have no '.', and a URI has a ':').
 */
export function pathShown(path: string): string {
  return /^[\w./~-]{1,200}$/.test(path) && path.includes('.')
    ? path
    : `the file given (${path.length} characters; the name is not shown, in case it is a secret)`
}

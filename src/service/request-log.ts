/**
 * The logger of each request (request.log), made only when a line is written at a level the logger
 * writes. Fastify makes a pino child logger for every request, and with redaction configured that
 * costs more than the rest of a request's logging put together; at the usual levels (warn in
 * production) most requests never log a line, so most never need one.
 */
import type { FastifyBaseLogger } from 'fastify'

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'
type LogFn = (...args: unknown[]) => void

/** A logger with pino's isLevelEnabled, which the service's own (pino) logger has. */
interface LevelAware {
  isLevelEnabled?(level: string): boolean
}

/** Stands for the child logger of one request until a line needs it. */
class LazyChild {
  private made: FastifyBaseLogger | undefined

  constructor(
    private readonly parent: FastifyBaseLogger & LevelAware,
    private readonly bindings: Record<string, unknown>,
    private readonly options: Record<string, unknown>,
  ) {}

  private get logger(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options))
  }

  get level(): string {
    return this.made?.level ?? this.parent.level
  }
  set level(level: string) {
    this.logger.level = level
  }

  private write(level: Level, args: unknown[]): void {
    if (this.made === undefined && this.parent.isLevelEnabled?.(level) === false) return
    ;(this.logger[level] as LogFn)(...args)
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args)
  }
  error(...args: unknown[]): void {
    this.write('error', args)
  }
  warn(...args: unknown[]): void {
    this.write('warn', args)
  }
  info(...args: unknown[]): void {
    this.write('info', args)
  }
  debug(...args: unknown[]): void {
    this.write('debug', args)
  }
  trace(...args: unknown[]): void {
    this.write('trace', args)
  }
  silent(): void {}
  isLevelEnabled(level: string): boolean {
    return (this.logger as FastifyBaseLogger & LevelAware).isLevelEnabled?.(level) ?? true
  }
  child(bindings: Record<string, unknown>, options?: Record<string, unknown>): FastifyBaseLogger {
    return this.logger.child(bindings, options)
  }
}

/**
 * Fastify's childLoggerFactory for the service: a request's logger made on its first line. A route
 * with a log level or serializers of its own gets its child at once, as Fastify would make it.
 */
export function lazyChildLogger(logger: FastifyBaseLogger, bindings: object, options: object): FastifyBaseLogger {
  const own = options as { level?: unknown; serializers?: unknown }
  if (own.level !== undefined || own.serializers !== undefined || typeof (logger as LevelAware).isLevelEnabled !== 'function') {
    return logger.child(bindings, options)
  }
  return new LazyChild(logger, bindings as Record<string, unknown>, options as Record<string, unknown>) as unknown as FastifyBaseLogger
}

/**
 * The life of a service process: listen, then on SIGTERM or SIGINT shut down gracefully: refuse new
 * requests (503 SHUTTING_DOWN, readiness fails), stop accepting connections, let the requests in
 * flight finish (up to `drainTimeout`, after which their connections are cut), then close the
 * verifier, its store and its engine.
 */
import { buildService, type Service, type ServiceOptions } from './app.js'

export interface RunOptions extends ServiceOptions {
  /** Address to listen on. Default 127.0.0.1. */
  host?: string
  /** Port; 0 for any free one. Default 8080. */
  port?: number
  /** How long the requests in flight may take to finish at shutdown, in milliseconds. Default 30000. */
  drainTimeout?: number
  /** Called once listening, with the base URL. */
  onListening?(url: string): void
  /** Closes what the service used (the verifier and its store), after the last request. */
  release(): Promise<void>
}

/** Runs the service until SIGTERM or SIGINT, and resolves once it has shut down. */
export async function runService(options: RunOptions): Promise<void> {
  let service: Service
  try {
    service = await buildService(options)
  } catch (error) {
    await options.release()
    throw error
  }
  const { app } = service
  let stopped!: () => void
  const done = new Promise<void>((resolve) => (stopped = resolve))
  let shuttingDown = false
  const shutdown = async (signal: string) => {
    if (shuttingDown) return
    shuttingDown = true
    app.log.info({ signal }, 'shutting down: finishing requests in flight')
    service.beginShutdown()
    const cut = setTimeout(() => {
      app.log.warn('requests still in flight after the drain timeout: closing their connections')
      app.server.closeAllConnections()
    }, options.drainTimeout ?? 30_000)
    try {
      await app.close()
    } finally {
      clearTimeout(cut)
      await options.release()
      app.log.info('stopped')
      for (const name of SIGNALS) process.off(name, onSignal)
      stopped()
    }
  }
  const onSignal = (signal: NodeJS.Signals) => void shutdown(signal)
  for (const name of SIGNALS) process.on(name, onSignal)
  try {
    const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8080 })
    options.onListening?.(address)
  } catch (error) {
    for (const name of SIGNALS) process.off(name, onSignal)
    await app.close().catch(() => {})
    await options.release()
    throw error
  }
  await done
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const

/**
 * Cancellation: every async engine call takes an AbortSignal, and an abort rejects the call with
 * OtpError('ABORTED') at once, whatever was still running.
 *
 * A call listens to its caller's signal once, through a Cancel, and its pieces (groups, shards,
 * ranges) register with the Cancel: a call in a thousand pieces adds one listener to the signal,
 * not a thousand (Node warns past ten on one signal).
 */
import { OtpError, describe } from '../core/errors.js'
import { checkOptions } from '../core/validate.js'

/** Options every async engine call takes. */
export interface CallOptions {
  /** Aborting it stops the call's work (in the workers too) and rejects with OtpError('ABORTED'). */
  signal?: AbortSignal
}

/** The options of an async engine call that takes only CallOptions. */
export const CALL_OPTION_KEYS: readonly string[] = ['signal']

/** The signal of a call's options: undefined or an AbortSignal; `known` are every option key the call takes. */
export function checkSignal(
  options: CallOptions | undefined,
  where: string,
  known: readonly string[] = CALL_OPTION_KEYS,
): AbortSignal | undefined {
  const { signal } = checkOptions(options, where, known)
  if (signal === undefined || signal instanceof AbortSignal) return signal
  throw new OtpError('INVALID_OPTIONS', `${where} signal must be an AbortSignal, got ${describe(signal)}`)
}

/** The error an aborted call rejects with; the signal's reason is its cause. */
function abortError(reason: unknown): OtpError {
  return new OtpError('ABORTED', 'the operation was aborted', { cause: reason })
}

/** One call's cancellation. Dispose of it when the call is over. */
export class Cancel {
  private error: OtpError | undefined
  private readonly stops = new Set<() => void>()
  private readonly detach: () => void

  constructor(signal?: AbortSignal) {
    const listener = () => this.abort(signal!.reason)
    if (signal?.aborted) this.error = abortError(signal.reason)
    else signal?.addEventListener('abort', listener, { once: true })
    this.detach = () => signal?.removeEventListener('abort', listener)
  }

  get aborted(): boolean {
    return this.error !== undefined
  }

  /** Aborts the call, as its signal would: every piece registered is told, once. */
  abort(reason?: unknown): void {
    if (this.error) return
    this.error = abortError(reason)
    this.detach()
    for (const stop of this.stops) stop()
    this.stops.clear()
  }

  throwIfAborted(): void {
    if (this.error) throw this.error
  }

  /** Calls `stop` once on abort; returns the function that forgets it. */
  onAbort(stop: () => void): () => void {
    this.stops.add(stop)
    return () => this.stops.delete(stop)
  }

  /**
   * Runs `work` until it settles or the call is aborted, whichever comes first; `stop` is told of
   * an abort so that the work winds down behind the rejection.
   */
  race<T>(work: () => Promise<T>, stop: () => void): Promise<T> {
    if (this.error) return Promise.reject(this.error)
    return new Promise<T>((resolve, reject) => {
      const forget = this.onAbort(() => {
        stop()
        reject(this.error)
      })
      work().then(
        (value) => (forget(), resolve(value)),
        (error: unknown) => (forget(), reject(error)),
      )
    })
  }

  /** Stops listening to the caller's signal: the call is over. */
  dispose(): void {
    this.detach()
    this.stops.clear()
  }
}

export { yieldTurn } from './yield-turn.js'

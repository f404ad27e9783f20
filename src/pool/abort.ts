/**
 * Cancellation: every async engine call takes an AbortSignal, and an abort rejects the call with
 * OtpError('ABORTED') at once, whatever was still running.
 */
import { OtpError, describe } from '../errors.js'
import { checkOptions } from '../validate.js'

/** Options every async engine call takes. */
export interface CallOptions {
  /** Aborting it stops the call's work (in the workers too) and rejects with OtpError('ABORTED'). */
  signal?: AbortSignal
}

/** The signal of a call's options: undefined or an AbortSignal. */
export function checkSignal(options: CallOptions | undefined, where: string): AbortSignal | undefined {
  const { signal } = checkOptions(options, where)
  if (signal === undefined || signal instanceof AbortSignal) return signal
  throw new OtpError('INVALID_OPTIONS', `${where} signal must be an AbortSignal, got ${describe(signal)}`)
}

/** The error an aborted call rejects with; the signal's reason is its cause. */
export function abortError(signal: AbortSignal): OtpError {
  return new OtpError('ABORTED', 'the operation was aborted', { cause: signal.reason })
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal)
}

/** Calls `listener` once when `signal` aborts; returns the function that stops listening. */
export function onAbort(signal: AbortSignal | undefined, listener: () => void): () => void {
  if (!signal) return () => {}
  signal.addEventListener('abort', listener, { once: true })
  return () => signal.removeEventListener('abort', listener)
}

/**
 * Runs `work` until it settles or `signal` aborts, whichever comes first; `stop` is told of an
 * abort so that the work winds down behind the rejection.
 */
export function abortable<T>(signal: AbortSignal | undefined, work: () => Promise<T>, stop: () => void): Promise<T> {
  if (!signal) return work()
  if (signal.aborted) return Promise.reject(abortError(signal))
  return new Promise<T>((resolve, reject) => {
    const off = onAbort(signal, () => {
      stop()
      reject(abortError(signal))
    })
    work().then(
      (value) => (off(), resolve(value)),
      (error: unknown) => (off(), reject(error)),
    )
  })
}

/** Lets timers and I/O run (an abort among them) between two stretches of work in this thread. */
export function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

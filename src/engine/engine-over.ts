/**
 * The Engine over an executor: single codes in the calling thread, synchronously; batches, scans
 * and streams on the executor (in process or across the pool), each abortable; close() lets the
 * work under way finish, then ends the workers.
 */
import { OtpError, describe } from '../core/errors.js'
import type { Kernel } from '../core/kernel.js'
import { RESYNC_OPTION_KEYS, planResync, singleCodeApi } from '../core/otp.js'
import { BatchBuilder, type PreparedBatch } from '../batch/columns.js'
import type { Engine } from './engine.js'
import { CALL_OPTION_KEYS, Cancel, checkSignal, type CallOptions } from './abort.js'
import { inProcessExecutor, type Executor } from './executor.js'
import { generateBuilt, generateRecords, verifyBuilt, verifyRecords } from './groups.js'
import { verifyStreamOn, type Lifecycle } from './stream.js'
import { ocraApi } from '../core/ocra/ocra.js'
import { ocraMethods, verifyWithKernelSide, withKernelSideStream } from './ocra-batch.js'
import type { VerifyRecord } from '../batch/records.js'

const closedError = (): OtpError => new OtpError('ENGINE_CLOSED', 'this engine was closed')

function checkRecords<T>(records: readonly T[]): readonly T[] {
  if (!Array.isArray(records)) {
    throw new OtpError('INVALID_RECORD', `records must be an array, got ${describe(records)}`)
  }
  return records
}

function checkBuilder(batch: BatchBuilder): BatchBuilder {
  if (!(batch instanceof BatchBuilder)) {
    throw new OtpError('INVALID_RECORD', `batch must be a BatchBuilder, got ${describe(batch)}`)
  }
  return batch
}

/**
 * Runs a columnar call over `builder`, which is held busy until the call settles: the call reads
 * the builder's columns as it goes, without copying them, and any change to the builder meanwhile
 * throws OtpError('BUILDER_BUSY') instead of changing the keys or records the call uses.
 */
async function whileHeld<T>(builder: BatchBuilder, run: (prepared: PreparedBatch) => Promise<T>): Promise<T> {
  const release = builder.hold()
  try {
    return await run(builder.build())
  } finally {
    release()
  }
}

/** The options engine.resyncHotp takes: resyncHotp's and a signal. */
const ENGINE_RESYNC_KEYS: readonly string[] = [...RESYNC_OPTION_KEYS, ...CALL_OPTION_KEYS]

/**
 * Runs one call with its own Cancel over the signal of its options, checked first (`known`: every
 * option key the call takes). The body starts at once, in the caller's turn: whatever it reads of
 * the call's input, it reads before the call returns.
 */
async function cancellable<T>(
  options: CallOptions | undefined,
  where: string,
  body: (cancel: Cancel) => Promise<T>,
  known: readonly string[] = CALL_OPTION_KEYS,
): Promise<T> {
  const cancel = new Cancel(checkSignal(options, where, known))
  try {
    cancel.throwIfAborted()
    return await body(cancel)
  } finally {
    cancel.dispose()
  }
}

/** An Engine computing single codes on `kernel` and everything heavy on `executor`. */
export function engineOver(kernel: Kernel, executor: Executor): Engine {
  const api = singleCodeApi(kernel)
  let closed = false
  let closing: Promise<void> | undefined
  // Work under way, which close() waits for.
  const running = new Set<Promise<unknown>>()

  const lifecycle: Lifecycle = {
    assertOpen() {
      if (closed) throw closedError()
    },
    track(work) {
      lifecycle.assertOpen()
      const promise = work()
      running.add(promise)
      const forget = () => running.delete(promise)
      promise.then(forget, forget)
      return promise
    },
  }

  /** An async call: checked, then tracked; any throw becomes its rejection. */
  function call<A extends unknown[], T>(body: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
    return (...args) => {
      try {
        return lifecycle.track(() => body(...args))
      } catch (error) {
        return Promise.reject(error)
      }
    }
  }

  function sync<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    return (...args) => {
      lifecycle.assertOpen()
      return fn(...args)
    }
  }

  return {
    backend: kernel.backend,
    threads: executor.threads,
    hotp: sync(api.hotp),
    totp: sync(api.totp),
    verifyHotp: sync(api.verifyHotp),
    verifyTotp: sync(api.verifyTotp),
    ...ocraMethods(ocraApi(kernel), sync),

    resyncHotp: call((secret, codes, from, options) =>
      cancellable(
        options,
        'resyncHotp',
        async (cancel) => {
          // The plan's key is its own copy (the caller's bytes may change while the scan runs, and
          // are not ours to wipe): wiped here once the scan is over.
          const { scan, answer } = planResync(secret, codes, from, options, ENGINE_RESYNC_KEYS)
          if (scan === undefined) return answer(-1)
          try {
            return answer(await executor.scan(scan, cancel))
          } finally {
            scan.key.fill(0)
          }
        },
        ENGINE_RESYNC_KEYS,
      ),
    ),

    verifyBatch: call((records, options) =>
      cancellable(options, 'verifyBatch', (cancel) =>
        verifyWithKernelSide(kernel, checkRecords(records), (plain) => verifyRecords(executor, plain as readonly VerifyRecord[], cancel)),
      ),
    ),

    generateBatch: call((records, options) =>
      cancellable(options, 'generateBatch', (cancel) => generateRecords(executor, checkRecords(records), cancel)),
    ),

    verifyColumns: call((batch, options) =>
      cancellable(options, 'verifyColumns', (cancel) =>
        whileHeld(checkBuilder(batch), (prepared) => verifyBuilt(executor, prepared, cancel)),
      ),
    ),

    generateColumns: call((batch, options) =>
      cancellable(options, 'generateColumns', (cancel) =>
        whileHeld(checkBuilder(batch), (prepared) => generateBuilt(executor, prepared, cancel)),
      ),
    ),

    verifyStream: (records, options) =>
      withKernelSideStream(kernel, records, (plain) => verifyStreamOn(executor, plain, options, lifecycle)),

    close() {
      closed = true
      closing ??= (async () => {
        while (running.size > 0) await Promise.allSettled([...running])
        await executor.close()
      })()
      return closing
    },
  }
}

/** An engine that computes in the calling thread. */
export function inProcessEngine(kernel: Kernel): Engine {
  return engineOver(kernel, inProcessExecutor(kernel))
}

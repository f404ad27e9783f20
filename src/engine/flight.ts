/**
 * Bounded concurrency: how many pieces of one call may be in flight at once, so that memory stays
 * bounded however large the call, and other calls get a turn at the workers.
 */

/**
 * Runs `task(i)` for i = 0, 1, ... up to `count`, at most `limit` at once, in order of i, while
 * `wanted(i)` holds (asked again before each launch). Settles when every task launched has, or
 * rejects at the first rejection (launching no more).
 */
export function forEachLimited(
  count: number,
  limit: number,
  task: (i: number) => Promise<void>,
  wanted: (i: number) => boolean = () => true,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0
    let running = 0
    let failed = false
    const pump = (): void => {
      while (!failed && running < limit && next < count && wanted(next)) {
        running++
        task(next++).then(
          () => {
            running--
            pump()
          },
          (error: unknown) => {
            failed = true
            reject(error)
          },
        )
      }
      if (running === 0 && !failed) resolve()
    }
    pump()
  })
}

/**
 * Starts the jobs of `jobs` one by one, at most `limit` unfinished at once, and yields their results
 * in the order the jobs came. A job is only started when the consumer has taken the result `limit`
 * places before it, so a slow consumer holds back the source.
 */
export async function* inOrder<T>(
  jobs: Iterable<() => Promise<T>> | AsyncIterable<() => Promise<T>>,
  limit: number,
): AsyncGenerator<T, void, undefined> {
  const pending: Array<Promise<T>> = []
  try {
    for await (const job of jobs) {
      const started = job()
      // Observed below, in order; until then a rejection must not count as unhandled.
      started.catch(() => {})
      pending.push(started)
      if (pending.length >= limit) yield await pending.shift()!
    }
    while (pending.length > 0) yield await pending.shift()!
  } finally {
    pending.length = 0
  }
}

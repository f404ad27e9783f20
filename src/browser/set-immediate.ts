/**
 * setImmediate for browsers, which lack it. The engine yields to the event loop between pieces of a
 * long scan or batch (src/pool/abort.ts) so that an abort can land; the browser bundle injects this
 * in place of the global. A MessageChannel turn, unlike setTimeout(0), is not clamped to 4 ms when
 * nested, so a scan of millions of counters is not slowed by its own pauses.
 */
type Callback = () => void

const queue: Callback[] = []
let channel: MessageChannel | undefined

function flush(): void {
  // Only the callbacks queued before this turn run now; later ones wait for the next message.
  for (const callback of queue.splice(0, queue.length)) {
    try {
      callback()
    } catch (error) {
      // Reported as uncaught, as Node does, without losing the callbacks after it.
      queueMicrotask(() => {
        throw error
      })
    }
  }
}

/** Runs `callback` on a later turn of the event loop, after pending I/O and timers had their chance. */
export function setImmediate(callback: Callback): void {
  if (!channel) {
    channel = new MessageChannel()
    channel.port1.onmessage = flush
  }
  queue.push(callback)
  if (queue.length === 1) channel.port2.postMessage(undefined)
}

/**
 * A turn of the event loop, on every platform: the engine yields between pieces of a long scan or
 * batch so that an abort (or a page's input) can land. Node has setImmediate, which runs after
 * pending I/O; browsers and Web Workers have no setImmediate, and a MessageChannel turn there is,
 * unlike setTimeout(0), not clamped to 4 ms when nested, so a scan of millions of counters is not
 * slowed by its own pauses. setTimeout(0) is the last resort.
 */
type Callback = () => void

const queue: Callback[] = []
let channel: MessageChannel | undefined

function flush(): void {
  // Only the callbacks queued before this turn run now; later ones wait for the next message.
  for (const callback of queue.splice(0, queue.length)) callback()
}

/** Runs `callback` on a later turn of the event loop, after pending input, I/O and timers. */
function nextTurn(callback: Callback): void {
  if (typeof globalThis.setImmediate === 'function') {
    globalThis.setImmediate(callback)
    return
  }
  if (typeof MessageChannel !== 'function') {
    setTimeout(callback, 0)
    return
  }
  if (!channel) {
    channel = new MessageChannel()
    channel.port1.onmessage = flush
  }
  queue.push(callback)
  if (queue.length === 1) channel.port2.postMessage(undefined)
}

/** Lets timers and I/O run (an abort among them) between two stretches of work in this thread. */
export function yieldTurn(): Promise<void> {
  return new Promise((resolve) => nextTurn(resolve))
}

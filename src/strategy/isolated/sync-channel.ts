/**
 * A synchronous message channel between two threads: messages travel on a MessagePort, and a
 * shared counter per direction wakes the receiver (Atomics.wait / notify). The receiver reads with
 * receiveMessageOnPort, so neither side needs its event loop: the main thread can call into a
 * strategy worker from inside the engine's synchronous hook call, and stop waiting at a deadline.
 *
 * Deadlines are on the monotonic wall clock (performance.now), not the engine's Clock: what they
 * bound is real time spent by code that may never return.
 */
import {receiveMessageOnPort, type MessagePort} from 'node:worker_threads'

/** Slot 0 wakes the worker, slot 1 the main thread. */
export const TO_WORKER = 0
export const TO_MAIN = 1

export function newSignals(): SharedArrayBuffer {
  return new SharedArrayBuffer(8)
}

export class SyncEnd {
  private readonly flags: Int32Array

  constructor(
    private readonly port: MessagePort,
    signals: SharedArrayBuffer,
    /** The slot this end waits on; the other end's is the other one. */
    private readonly mine: typeof TO_WORKER | typeof TO_MAIN,
  ) {
    this.flags = new Int32Array(signals)
  }

  send(message: unknown): void {
    this.port.postMessage(message)
    const theirs = 1 - this.mine
    Atomics.add(this.flags, theirs, 1)
    Atomics.notify(this.flags, theirs)
  }

  /** The next message, or undefined once `deadline` (performance.now() ms) has passed. */
  receive(deadline = Number.POSITIVE_INFINITY): unknown {
    for (;;) {
      // Read the counter before looking at the port: a message posted in between changes the
      // counter, so the wait below returns at once instead of sleeping past it.
      const seen = Atomics.load(this.flags, this.mine)
      const got = receiveMessageOnPort(this.port)
      if (got) return got.message
      const left = deadline - performance.now()
      if (left <= 0) return undefined
      Atomics.wait(this.flags, this.mine, seen, left === Number.POSITIVE_INFINITY ? undefined : left)
    }
  }
}

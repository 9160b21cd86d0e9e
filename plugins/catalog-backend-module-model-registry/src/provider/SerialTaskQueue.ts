/**
 * Runs tasks one at a time, in the order they were queued. A task queued under the key
 * of a task that is still waiting to start joins that one instead of running twice; a
 * task queued while its key is running waits and runs again after it, so a change
 * announced during a read is read once more.
 */
export class SerialTaskQueue {
  private tail: Promise<void> = Promise.resolve();
  private readonly waiting = new Map<string, Promise<void>>();

  /** Queues `task` under `key`; resolves or rejects as the task (or the one it joined) does. */
  enqueue(key: string, task: () => Promise<void>): Promise<void> {
    const waiting = this.waiting.get(key);
    if (waiting) {
      return waiting;
    }
    const run = this.tail.then(() => {
      this.waiting.delete(key);
      return task();
    });
    this.waiting.set(key, run);
    // A failed task must not stop the ones queued behind it.
    this.tail = run.catch(() => undefined);
    return run;
  }
}

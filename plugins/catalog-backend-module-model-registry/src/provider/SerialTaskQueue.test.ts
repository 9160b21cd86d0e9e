import { SerialTaskQueue } from './SerialTaskQueue';

/** A task that records when it starts and finishes only when released. */
function controlledTask(name: string, log: string[]) {
  let release!: () => void;
  const released = new Promise<void>(r => {
    release = r;
  });
  const task = jest.fn(async () => {
    log.push(`start ${name}`);
    await released;
    log.push(`end ${name}`);
  });
  return { task, release };
}

const tick = () => new Promise(r => setTimeout(r, 0));

describe('SerialTaskQueue', () => {
  it('runs tasks one at a time, in the order they were queued', async () => {
    const queue = new SerialTaskQueue();
    const log: string[] = [];
    const a = controlledTask('a', log);
    const b = controlledTask('b', log);
    const runs = [queue.enqueue('a', a.task), queue.enqueue('b', b.task)];
    await tick();
    expect(log).toEqual(['start a']);

    b.release();
    await tick();
    expect(log).toEqual(['start a']);

    a.release();
    await Promise.all(runs);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('joins a task to a waiting one of the same key, and runs a key again once it has started', async () => {
    const queue = new SerialTaskQueue();
    const log: string[] = [];
    const first = controlledTask('first', log);
    const waiting = controlledTask('waiting', log);
    const joined = controlledTask('joined', log);
    const again = controlledTask('again', log);

    const runFirst = queue.enqueue('k', first.task);
    await tick();
    // 'k' is running: the next 'k' waits behind it, and a third joins the waiting one.
    const runWaiting = queue.enqueue('k', waiting.task);
    const runJoined = queue.enqueue('k', joined.task);
    expect(runJoined).toBe(runWaiting);

    first.release();
    await runFirst;
    await tick();
    // The waiting 'k' has started: a new 'k' queues behind it again.
    const runAgain = queue.enqueue('k', again.task);
    expect(runAgain).not.toBe(runWaiting);

    waiting.release();
    again.release();
    await Promise.all([runWaiting, runAgain]);
    expect(joined.task).not.toHaveBeenCalled();
    expect(log).toEqual([
      'start first',
      'end first',
      'start waiting',
      'end waiting',
      'start again',
      'end again',
    ]);
  });

  it('runs the tasks behind a failed one', async () => {
    const queue = new SerialTaskQueue();
    const failed = queue.enqueue('a', async () => {
      throw new Error('boom');
    });
    const next = jest.fn(async () => undefined);
    const runNext = queue.enqueue('b', next);

    await expect(failed).rejects.toThrow('boom');
    await expect(runNext).resolves.toBeUndefined();
    expect(next).toHaveBeenCalledTimes(1);
  });
});

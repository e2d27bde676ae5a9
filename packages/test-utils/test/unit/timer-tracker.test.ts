import { promisify } from 'node:util';
import { TimerTracker } from '@tta/test-utils';

describe('TimerTracker', () => {
  const timers = { setTimeout, setInterval, clearTimeout, clearInterval };
  const tracker = new TimerTracker();
  tracker.install(timers);
  const created: NodeJS.Timeout[] = [];

  afterEach(() => {
    for (const timer of created.splice(0)) timers.clearInterval(timer);
  });

  it('lists a ref’d interval until it is cleared, with where it was created', () => {
    const interval = timers.setInterval(() => undefined, 60_000);
    created.push(interval);
    expect(tracker.refed()).toEqual([
      {
        kind: 'interval',
        delayMs: 60_000,
        createdAt: expect.stringMatching(
          /^packages\/test-utils\/test\/unit\/timer-tracker\.test\.ts:\d+:\d+/,
        ),
        timer: interval,
      },
    ]);
    timers.clearInterval(interval);
    expect(tracker.refed()).toEqual([]);
  });

  it('forgets a timeout once it fired, and does not list an unref’d one', async () => {
    created.push(timers.setTimeout(() => undefined, 60_000).unref());
    let fired!: (value: string) => void;
    const done = new Promise<string>((resolve) => (fired = resolve));
    timers.setTimeout((value: string) => fired(value), 1, 'argument');
    expect(tracker.refed().map((t) => t.kind)).toEqual(['timeout']);
    await expect(done).resolves.toBe('argument');
    expect(tracker.refed()).toEqual([]);
  });

  it('keeps what the real functions do: promisify, and refusing a callback that is not one', async () => {
    await expect(promisify(timers.setTimeout)(1, 'value')).resolves.toBe('value');
    expect(() => timers.setTimeout('not a function' as never, 1)).toThrow(
      /"callback" argument must be of type function/,
    );
  });
});

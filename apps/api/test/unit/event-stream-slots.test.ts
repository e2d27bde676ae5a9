import { TooManyStreamsError } from '@tta/core';
import { EventStreamSlots } from '../../src/http/event-stream-slots';

function refusal(fn: () => unknown): TooManyStreamsError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TooManyStreamsError);
    return err as TooManyStreamsError;
  }
  throw new Error('expected a refusal');
}

describe('EventStreamSlots', () => {
  it('holds at most maxStreamsPerHolder per holder and maxStreams in all', () => {
    const slots = new EventStreamSlots({ maxStreams: 3, maxStreamsPerHolder: 2 });
    const a1 = slots.acquire('a');
    slots.acquire('a');
    const perKey = refusal(() => slots.acquire('a'));
    expect(perKey.code).toBe('too_many_streams');
    expect(perKey.details).toEqual({ limit: 'key', max: 2, retryAfterSeconds: 5 });
    slots.acquire('b');
    expect(slots.open).toBe(3);
    expect(refusal(() => slots.acquire('c')).details).toMatchObject({ limit: 'total', max: 3 });
    a1();
    a1();
    expect(slots.open).toBe(2);
    slots.acquire('c');
    expect(refusal(() => slots.acquire('a')).details).toMatchObject({ limit: 'total' });
  });
});

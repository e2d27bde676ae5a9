import { parseRetryAfter, parseRetryAfterMs } from '@tta/agent-sdk';

describe('parseRetryAfter', () => {
  it('reads whole and fractional seconds', () => {
    expect(parseRetryAfter('1')).toBe(1000);
    expect(parseRetryAfter(' 2.5 ')).toBe(2500);
    expect(parseRetryAfter('0')).toBe(0);
  });

  it('reads an HTTP date as the time left until it, and 0 once it is past', () => {
    const now = Date.parse('2024-05-01T12:00:00Z');
    expect(parseRetryAfter('Wed, 01 May 2024 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', now)).toBe(0);
  });

  it('gives undefined for a missing or unreadable header', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-1')).toBeUndefined();
  });

  it('reads retry-after-ms as milliseconds', () => {
    expect(parseRetryAfterMs('1500')).toBe(1500);
    expect(parseRetryAfterMs('x')).toBeUndefined();
  });
});

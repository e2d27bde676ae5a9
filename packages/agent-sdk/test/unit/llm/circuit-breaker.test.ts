import { ProviderUnavailableError } from '@tta/core';
import { waitFor } from '@tta/test-utils';
import { CircuitBreaker, type CircuitState } from '@tta/agent-sdk';

const ok = () => Promise.resolve('ok');
const boom = () => Promise.reject(new Error('boom'));

async function failTimes(breaker: CircuitBreaker, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await expect(breaker.run(boom)).rejects.toThrow('boom');
}

describe('CircuitBreaker', () => {
  it('opens after failureThreshold consecutive failures and then fails fast', async () => {
    const changes: CircuitState[] = [];
    const breaker = new CircuitBreaker({
      name: 'llm',
      failureThreshold: 3,
      openMs: 60_000,
      onStateChange: (state) => changes.push(state),
    });
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    const work = jest.fn(ok);
    const error = await breaker.run(work).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as ProviderUnavailableError).code).toBe('provider_unavailable');
    expect((error as ProviderUnavailableError).message).toMatch(/'llm'/);
    expect((error as ProviderUnavailableError).retryInMs).toBeGreaterThan(50_000);
    expect(work).not.toHaveBeenCalled();
    expect(changes).toEqual(['open']);
  });

  it('counts only consecutive failures: a success in between starts over', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 3 });
    await failTimes(breaker, 2);
    await expect(breaker.run(ok)).resolves.toBe('ok');
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
  });

  it('ignores errors that isFailure does not count', async () => {
    const breaker = new CircuitBreaker({
      failureThreshold: 1,
      isFailure: (err) => (err as Error).message !== 'refused',
    });
    await expect(breaker.run(() => Promise.reject(new Error('refused')))).rejects.toThrow();
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
  });

  it('half-opens after openMs: a successful trial closes it, a failed one opens it again', async () => {
    const changes: CircuitState[] = [];
    const breaker = new CircuitBreaker({
      failureThreshold: 1,
      openMs: 100,
      onStateChange: (state) => changes.push(state),
    });
    await failTimes(breaker, 1);
    await waitFor(() => breaker.state === 'half-open', { what: 'half-open' });
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    await expect(breaker.run(ok)).rejects.toBeInstanceOf(ProviderUnavailableError);
    await waitFor(() => breaker.state === 'half-open', { what: 'half-open again' });
    await expect(breaker.run(ok)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('lets only halfOpenMaxCalls trial calls through at once', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 50, halfOpenMaxCalls: 2 });
    await failTimes(breaker, 1);
    await waitFor(() => breaker.state === 'half-open', { what: 'half-open' });
    const releases: Array<() => void> = [];
    const held = () => new Promise<string>((resolve) => releases.push(() => resolve('held')));
    const trials = [breaker.run(held), breaker.run(held)];
    await expect(breaker.run(ok)).rejects.toBeInstanceOf(ProviderUnavailableError);
    releases.forEach((release) => release());
    await expect(Promise.all(trials)).resolves.toEqual(['held', 'held']);
    expect(breaker.state).toBe('closed');
  });

  it('refuses bad options at once', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(/failureThreshold/);
    expect(() => new CircuitBreaker({ openMs: 1.5 })).toThrow(/openMs/);
  });
});

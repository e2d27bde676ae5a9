import { chooseRoute, type RouteCandidate } from '../../src/routing/choose-route';

const GENERIC = 'cap.story.tell';

function candidate(
  pool: string,
  labels: Record<string, string>,
  capacity: number,
  backlog: number,
): RouteCandidate {
  return {
    queue: pool ? `${GENERIC}.${pool}` : GENERIC,
    labels,
    liveAgents: capacity > 0 ? 1 : 0,
    capacity,
    backlog,
  };
}

const generic = candidate('', {}, 8, 3);
const fast = candidate('tier-fast', { tier: 'fast' }, 4, 2);
const fastEn = candidate('locale-en.tier-fast', { tier: 'fast', locale: 'en' }, 2, 0);
const quality = candidate('tier-quality', { tier: 'quality' }, 4, 0);
const en = candidate('locale-en', { locale: 'en' }, 2, 0);

const reasonOf = (choice: ReturnType<typeof chooseRoute>, queue: string) =>
  choice.candidates.find((c) => c.queue === queue)?.reason;

describe('chooseRoute without requirements', () => {
  it('takes the generic queue and marks every pool as not for this task', () => {
    const choice = chooseRoute({
      requirements: {},
      candidates: [fast, generic, quality],
      fallback: GENERIC,
    });
    expect(choice.chosen).toEqual({
      queue: GENERIC,
      reason: 'generic queue: used when the task has no requirements',
    });
    expect(choice.served).toBe(true);
    expect(choice.candidates.map((c) => [c.queue, c.eligible])).toEqual([
      [GENERIC, true],
      [fast.queue, false],
      [quality.queue, false],
    ]);
    expect(reasonOf(choice, fast.queue)).toBe(
      'pool queue: only for tasks that require tier=fast or part of it',
    );
  });

  it('says when the generic queue has no live capacity', () => {
    const choice = chooseRoute({ requirements: {}, candidates: [], fallback: GENERIC });
    expect(choice.served).toBe(false);
    expect(choice.chosen.queue).toBe(GENERIC);
    expect(choice.chosen.reason).toMatch(/no live capacity now$/);
  });
});

describe('chooseRoute with requirements', () => {
  it('takes the satisfying pool with the lowest expected wait, even if less specific', () => {
    const busyFastEn = { ...fastEn, backlog: 4 };
    const choice = chooseRoute({
      requirements: { tier: 'fast' },
      candidates: [generic, fast, busyFastEn, quality, en],
      fallback: fast.queue,
    });
    expect(choice.chosen).toEqual({ queue: fast.queue, reason: 'lowest expected wait 0.5' });
    expect(choice.served).toBe(true);
    const rated = Object.fromEntries(choice.candidates.map((c) => [c.queue, c]));
    expect(rated[fast.queue]).toMatchObject({ eligible: true, expectedWait: 0.5 });
    expect(rated[busyFastEn.queue]).toMatchObject({
      eligible: true,
      expectedWait: 2,
      reason: `expected wait 2, more than 0.5 of ${fast.queue}`,
    });
    expect(rated[GENERIC]).toMatchObject({
      eligible: false,
      reason: 'generic queue: used when the task has no requirements',
    });
    expect(rated[quality.queue]).toMatchObject({
      eligible: false,
      reason: 'does not satisfy tier=fast',
    });
    expect(rated[en.queue]?.reason).toBe('does not satisfy tier=fast');
    expect(rated[en.queue]?.expectedWait).toBeUndefined();
  });

  it('orders the chosen queue first, then eligible ones by rank, then the rest by name', () => {
    const choice = chooseRoute({
      requirements: { tier: 'fast' },
      candidates: [quality, generic, { ...fastEn, backlog: 4 }, fast, en],
      fallback: fast.queue,
    });
    expect(choice.candidates.map((c) => c.queue)).toEqual([
      fast.queue,
      fastEn.queue,
      GENERIC,
      en.queue,
      quality.queue,
    ]);
  });

  it('breaks a tie on expected wait by the most specific pool', () => {
    const choice = chooseRoute({
      requirements: { tier: 'fast' },
      candidates: [{ ...fast, backlog: 0 }, fastEn],
      fallback: fast.queue,
    });
    expect(choice.chosen).toEqual({
      queue: fastEn.queue,
      reason: 'lowest expected wait 0, most specific of the tied',
    });
    expect(reasonOf(choice, fast.queue)).toBe(
      `same expected wait 0, less specific than ${fastEn.queue}`,
    );
  });

  it('breaks a tie on expected wait and specificity by name', () => {
    const fastDe = candidate('locale-de.tier-fast', { tier: 'fast', locale: 'de' }, 2, 1);
    const choice = chooseRoute({
      requirements: { tier: 'fast' },
      candidates: [{ ...fastEn, backlog: 1 }, fastDe],
      fallback: fast.queue,
    });
    expect(choice.chosen).toEqual({
      queue: fastDe.queue,
      reason: 'lowest expected wait 0.5, first by name of the tied',
    });
    expect(reasonOf(choice, fastEn.queue)).toBe(
      `same expected wait 0.5 and specificity, after ${fastDe.queue} by name`,
    );
  });

  it('compares expected waits as backlog per unit of capacity', () => {
    const big = candidate('tier-fast', { tier: 'fast' }, 30, 10);
    const small = candidate('locale-en.tier-fast', { tier: 'fast', locale: 'en' }, 1, 1);
    const choice = chooseRoute({
      requirements: { tier: 'fast' },
      candidates: [big, small],
      fallback: big.queue,
    });
    expect(choice.chosen).toEqual({ queue: big.queue, reason: 'lowest expected wait 0.333' });
  });

  it('skips a satisfying pool without live capacity', () => {
    const choice = chooseRoute({
      requirements: { tier: 'fast' },
      candidates: [
        { ...fastEn, capacity: 0, liveAgents: 0 },
        { ...fast, backlog: 100 },
      ],
      fallback: fast.queue,
    });
    expect(choice.chosen.queue).toBe(fast.queue);
    expect(reasonOf(choice, fastEn.queue)).toBe('no live capacity');
  });

  it('needs every required pair', () => {
    const choice = chooseRoute({
      requirements: { tier: 'fast', locale: 'en' },
      candidates: [fast, fastEn, en],
      fallback: fastEn.queue,
    });
    expect(choice.chosen.queue).toBe(fastEn.queue);
    expect(reasonOf(choice, fast.queue)).toBe('does not satisfy locale=en');
    expect(reasonOf(choice, en.queue)).toBe('does not satisfy tier=fast');
  });

  it('falls back to the exact pool queue, not served, when no live agent satisfies them', () => {
    const choice = chooseRoute({
      requirements: { tier: 'fast' },
      candidates: [generic, quality, en],
      fallback: fast.queue,
    });
    expect(choice.served).toBe(false);
    expect(choice.chosen.queue).toBe(fast.queue);
    expect(choice.chosen.reason).toBe(
      'no live agent serves tier=fast: waits in the exact pool queue for the first agent with these labels',
    );
    expect(choice.candidates[0]).toMatchObject({
      queue: fast.queue,
      labels: { tier: 'fast' },
      capacity: 0,
      eligible: false,
      reason: 'no live capacity',
    });
    expect(choice.candidates).toHaveLength(4);
  });
});

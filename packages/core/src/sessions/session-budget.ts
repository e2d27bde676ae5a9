import type { CostLedger } from '../costs/cost-ledger';
import { BudgetExceededError } from '../errors/budget-exceeded-error';

/** Options of {@link SessionBudget}. */
export interface SessionBudgetOptions {
  /** Most USD a session may spend on LLM calls (config `costs.budgets.sessionUsd`). */
  limitUsd: number;
}

/**
 * Refuses work for sessions that have spent their LLM budget: the API asks it before it
 * enqueues a task or a workflow run of a session.
 */
export class SessionBudget {
  /** Most USD a session may spend. */
  readonly limitUsd: number;

  constructor(
    private readonly ledger: CostLedger,
    options: SessionBudgetOptions,
  ) {
    if (!Number.isFinite(options.limitUsd) || options.limitUsd <= 0) {
      throw new TypeError('SessionBudget: limitUsd must be a positive number');
    }
    this.limitUsd = options.limitUsd;
  }

  /**
   * Throws {@link BudgetExceededError} naming the first of `sessionIds` whose spend so far has
   * reached the budget; ids that are `undefined` (work without a session) are skipped.
   */
  async assertWithin(sessionIds: readonly (string | undefined)[]): Promise<void> {
    const ids = sessionIds.filter((id): id is string => id !== undefined);
    if (ids.length === 0) return;
    const spend = await this.ledger.sessionSpend(ids);
    for (const [sessionId, spentUsd] of spend) {
      if (spentUsd >= this.limitUsd) {
        throw new BudgetExceededError({
          budget: 'session',
          limitUsd: this.limitUsd,
          spentUsd,
          sessionId,
        });
      }
    }
  }
}

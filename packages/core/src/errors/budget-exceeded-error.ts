import { AppError } from './app-error';

/** Which budget a spend went over. */
export type BudgetKind = 'session' | 'task';

/** What {@link BudgetExceededError} reports. */
export interface BudgetExceededDetails {
  /** `session` (config `costs.budgets.sessionUsd`) or `task` (the task's budget). */
  budget: BudgetKind;
  /** The budget, in USD. */
  limitUsd: number;
  /** What was spent so far, in USD. */
  spentUsd: number;
  /** The estimated cost of the refused LLM call, in USD (absent when a task was refused at enqueue). */
  estimateUsd?: number;
  /** The session whose spend counts. */
  sessionId?: string;
  /** The task whose call was refused. */
  taskId?: string;
}

/**
 * A session or task has spent its LLM budget: a task of an over-budget session is refused at
 * enqueue (429), and an LLM call that would go over is refused in the handler (the task fails
 * and is not retried).
 */
export class BudgetExceededError extends AppError {
  /** Which budget was exceeded. */
  readonly budget: BudgetKind;

  constructor(details: BudgetExceededDetails) {
    const { budget, limitUsd, spentUsd, estimateUsd, sessionId, taskId } = details;
    const id = budget === 'session' ? sessionId : taskId;
    const who = id === undefined ? `the ${budget}` : `${budget} '${id}'`;
    const next =
      estimateUsd === undefined
        ? ''
        : `, and the next LLM call would cost about ${usd(estimateUsd)}`;
    super(
      'budget_exceeded',
      `${budget} budget exceeded: ${who} has spent ${usd(spentUsd)} of its ${usd(limitUsd)}${next}`,
      { details: { ...details } },
    );
    this.budget = budget;
  }
}

function usd(value: number): string {
  return `${Number(value.toPrecision(6))} USD`;
}

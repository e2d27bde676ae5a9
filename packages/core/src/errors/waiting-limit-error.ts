import { AppError } from './app-error';

/** Which limit of waiting tasks a request went over. */
export type WaitingLimitScope = 'queue' | 'owner';

/** Details of a {@link WaitingLimitError}. */
export interface WaitingLimitDetails {
  /** `queue` (config `admission.maxWaitingPerQueue`) or `owner` (`admission.maxWaitingPerOwner`). */
  scope: WaitingLimitScope;
  /** The queue, for a queue's limit. */
  queue?: string;
  /** The limit. */
  limit: number;
  /** Tasks waiting now, as last counted. */
  waiting: number;
  /** Tasks the request would have added. */
  requested: number;
  /** Whole seconds after which the caller may try again. */
  retryAfterSeconds: number;
}

/**
 * Too many tasks wait already: a queue's (`queue_full`) or the caller's owner's
 * (`owner_backlog_full`) tasks that no agent has started yet would pass their limit. Nothing
 * was enqueued (a batch is refused whole).
 */
export class WaitingLimitError extends AppError {
  /** Whole seconds after which the caller may try again. */
  readonly retryAfterSeconds: number;

  constructor(details: WaitingLimitDetails) {
    const { scope, queue, limit, waiting, requested } = details;
    const who = scope === 'queue' ? `queue '${queue ?? ''}'` : 'this owner';
    super(
      scope === 'queue' ? 'queue_full' : 'owner_backlog_full',
      `${who} has ${waiting} tasks waiting (limit ${limit}); ${requested} more refused, try again later`,
      { details },
    );
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

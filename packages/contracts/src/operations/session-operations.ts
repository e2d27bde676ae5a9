import type { ApiOperation } from '../operation';
import { sessionErasureReceiptSchema } from '../schemas/sessions';

/** Player sessions: erase one. */
export const SESSION_OPERATIONS = [
  {
    method: 'DELETE',
    path: '/v1/sessions/:id',
    scope: 'sessions:erase',
    operationId: 'eraseSession',
    tag: 'sessions',
    summary: "Erase a player session's data everywhere, keeping anonymised counts",
    description:
      "Removes every task, run, dead letter, tombstone, result, event-log entry, world state and history, idempotency record and per-session cost of the session on every shard; folds its costs into the anonymous totals and strips the session and run ids from its safety events. Answers a receipt of counts, never content; erasing again answers zeros. 404 for a session of another owner, or one the caller never had (an `admin` key may erase any). New tasks and runs of the session are refused (409 `session_erasing`) while it is erased. See docs/DATA.md, 'How to erase a session'.",
    pathParams: { id: 'the session id' },
    response: {
      status: 200,
      description: 'the receipt: what was removed, counted',
      body: { name: 'SessionErasureReceipt', schema: sessionErasureReceiptSchema },
    },
  },
] as const satisfies readonly ApiOperation[];

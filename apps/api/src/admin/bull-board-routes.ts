import { createBullBoard } from '@bull-board/api';
import { ExpressAdapter } from '@bull-board/express';
import { Router } from 'express';
import { AGENTS_PAGE_PATH, BULL_BOARD_PATH, LOGOUT_PATH } from './agents-page';
import type { BoardQueues } from './board-queues';
import { withRedis } from '../http/with-redis';
import type { RedisClient } from '@tta/core';

type BoardServerAdapter = Parameters<typeof createBullBoard>[0]['serverAdapter'];

/** Options of {@link bullBoardRoutes}. */
export interface BullBoardRoutesOptions {
  /** The queues the board shows. */
  boardQueues: BoardQueues;
  /** The producer connection the board reads through. */
  redis: RedisClient;
}

/**
 * Bull Board at `/admin/queues`: every capability queue, every known pool queue, `workflow`
 * and `dead-letter` (read-only). Each call of the board's JSON API refreshes the queue set
 * first, so pools that appeared since show up on the board's next poll. Mount behind the
 * admin guard and the same-origin guard (the board changes queues with PUT requests).
 */
export function bullBoardRoutes(options: BullBoardRoutesOptions): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  const board = createBullBoard({
    queues: [],
    // @bull-board/express 9.10.1 declares its IServerAdapter against its own copy of
    // @bull-board/api (9.10.1); the two copies differ only in private members.
    serverAdapter: serverAdapter as unknown as BoardServerAdapter,
    options: {
      uiConfig: {
        boardTitle: 'TTA queues',
        miscLinks: [
          { text: 'Agents', url: AGENTS_PAGE_PATH },
          { text: 'Log out', url: LOGOUT_PATH },
        ],
      },
    },
  });
  const router = Router();
  router.use(
    BULL_BOARD_PATH,
    async (req, _res, next) => {
      if (req.path.startsWith('/api/')) {
        board.replaceQueues(await withRedis(options.redis, () => options.boardQueues.refresh()));
      }
      next();
    },
    serverAdapter.getRouter() as Router,
  );
  return router;
}

import { NotFoundError, type AgentControl, type AgentRegistry, type RedisClient } from '@tta/core';
import { Router, type Request } from 'express';
import { ADMIN_PAGE_POLICY } from './admin-layout';
import { readAgentOverview } from './agent-overview';
import { AGENTS_PAGE_PATH, renderAgentsPage, type PageNotice } from './agents-page';
import { callerOf } from '../access/api-caller';
import { withRedis } from '../http/with-redis';

/** Options of {@link adminAgentRoutes}. */
export interface AdminAgentRoutesOptions {
  /** The live-agent registry and its event stream. */
  registry: AgentRegistry;
  /** Gives drain commands to live agents. */
  agentControl: AgentControl;
  /** The producer connection both read and write through. */
  redis: RedisClient;
  /** How far back the page lists agents that left or died, in minutes. Default: 10. */
  agentHistoryMinutes?: number;
}

/**
 * `GET /admin/agents`: the agents page (HTML, reloads itself every 5 s). `POST
 * /admin/agents/:id/drain`: the page's drain button; it asks the agent to drain and answers
 * 303 back to the page, which says what happened. Mount behind the admin guard and the
 * same-origin guard.
 */
export function adminAgentRoutes(options: AdminAgentRoutesOptions): Router {
  const { registry, agentControl, redis } = options;
  const historyMinutes = options.agentHistoryMinutes ?? 10;
  const router = Router();
  router.get(AGENTS_PAGE_PATH, async (req, res) => {
    const overview = await withRedis(redis, () =>
      readAgentOverview(registry, { historyMs: historyMinutes * 60_000 }),
    );
    const notice = noticeOf(req);
    const page = renderAgentsPage({ ...overview, historyMinutes, ...(notice && { notice }) });
    res.set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': ADMIN_PAGE_POLICY });
    res.type('html').send(page);
  });
  router.post(`${AGENTS_PAGE_PATH}/:id/drain`, async (req, res) => {
    const { id } = req.params;
    try {
      const by = callerOf(req)?.keyId;
      const reason = `requested on the agents page${by ? ` by key ${by}` : ''}`;
      await withRedis(redis, () => agentControl.drain(id, reason));
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      res.redirect(303, `${AGENTS_PAGE_PATH}?gone=${encodeURIComponent(id)}`);
      return;
    }
    res.redirect(303, `${AGENTS_PAGE_PATH}?drained=${encodeURIComponent(id)}`);
  });
  return router;
}

// The outcome of a drain, carried over the redirect in the query.
function noticeOf(req: Request): PageNotice | undefined {
  const { drained, gone } = req.query;
  if (typeof drained === 'string') {
    return {
      kind: 'info',
      text: `Drain requested for ${drained}: it takes no new tasks, finishes those it has and leaves.`,
    };
  }
  if (typeof gone === 'string') {
    return { kind: 'error', text: `${gone} is not a live agent: nothing to drain.` };
  }
  return undefined;
}

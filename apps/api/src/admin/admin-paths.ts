/** Path of the agents page. */
export const AGENTS_PAGE_PATH = '/admin/agents';

/** Path of the safety review page. */
export const SAFETY_PAGE_PATH = '/admin/safety';

/** Path of the safety page's live feed (server-sent `safety` events). */
export const SAFETY_STREAM_PATH = `${SAFETY_PAGE_PATH}/stream`;

/** Path of the admin sessions page. */
export const SESSIONS_PAGE_PATH = '/admin/sessions';

/** Path of Bull Board. */
export const BULL_BOARD_PATH = '/admin/queues';

/** Path that ends the admin session. */
export const LOGOUT_PATH = '/admin/logout';

import path from 'node:path';
import { spawnNode, type NodeChild } from './node-child';

/** The repository root (bench/dist/.. /..). */
export const REPO_DIR = path.resolve(__dirname, '../..');

/** An app of this system, run from its build output. */
export type AppName = 'api' | 'supervisor' | 'worker';

/** Options of {@link startApp}. */
export interface StartAppOptions {
  /** Redis of the app. */
  redisUrl: string;
  /** Its key prefix (a hash tag), unique to the scenario. */
  prefix: string;
  /** The `message` of the JSON log line that says it is up, e.g. `api listening`. */
  readyMessage: string;
  /** Config over the bench defaults, as environment variables (`TTA_*`). */
  env?: NodeJS.ProcessEnv;
  /** Command-line arguments (`--agent <type>` of a worker). */
  args?: string[];
  /** How long it may take to come up. Default: 20,000 ms. */
  timeoutMs?: number;
}

/** A running app process. */
export interface AppProcess extends NodeChild {
  /** The log line that said it was up (the API's has its `port`). */
  readyLine: Record<string, unknown>;
}

/**
 * Starts `apps/<app>/dist/main.js` with the test config (the `tta-dev-key` API key, no
 * diagnostics ports), JSON logs at info level and the rate limit raised out of the way, and
 * resolves once it logs `readyMessage`.
 */
export async function startApp(app: AppName, options: StartAppOptions): Promise<AppProcess> {
  let onReady: (line: Record<string, unknown>) => void = () => undefined;
  const ready = new Promise<Record<string, unknown>>((resolve) => (onReady = resolve));
  const child = spawnNode(path.join(REPO_DIR, `apps/${app}/dist/main.js`), {
    args: options.args ?? [],
    env: {
      NODE_ENV: 'test',
      REDIS_URL: options.redisUrl,
      TTA_REDIS_PREFIX: options.prefix,
      TTA_LOG_LEVEL: 'info',
      TTA_LOG_FORMAT: 'json',
      TTA_API_HOST: '127.0.0.1',
      PORT: '0',
      TTA_RATE_LIMIT_POINTS: '1000000000',
      ...options.env,
    },
    onLine: (text) => {
      const line = parseJsonLine(text);
      if (line?.message === options.readyMessage) onReady(line);
    },
  });
  const timeoutMs = options.timeoutMs ?? 20_000;
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${app} did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    void child.exited.then(() => reject(new Error(`${app} exited: ${child.stderrTail().trim()}`)));
  });
  try {
    const readyLine = await Promise.race([ready, failed]);
    return { ...child, readyLine };
  } catch (err) {
    await child.stop('SIGKILL');
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** The port an API process listens on, from its `api listening` line. */
export function apiUrlOf(api: AppProcess): string {
  const port = Number(api.readyLine.port);
  if (!Number.isInteger(port) || port <= 0) throw new Error('api: no port in its listening line');
  return `http://127.0.0.1:${port}`;
}

function parseJsonLine(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

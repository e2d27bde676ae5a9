import winston from 'winston';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Name of the process role, on every line as `service`. Default: `'tta'`. */
  service?: string;
  /** Lowest level written. Default: `'info'`. */
  level?: 'error' | 'warn' | 'info' | 'debug';
  /** `json`: one object a line; `pretty`: human-readable. Default: `'json'`. */
  format?: 'json' | 'pretty';
  /** Fields on every line (agentId, pid...). */
  defaultMeta?: Record<string, unknown>;
  /** Where lines go. Default: the console (stderr for warn and error). */
  transports?: winston.transport[];
}

/** The logger every module receives; `child()` adds fields such as `taskId` or `agentId`. */
export type Logger = winston.Logger;

// Anchored at the end of the key: `accessToken` is a secret, `inputTokens` and `passage` are not.
const SECRET_KEYS = /(pass(word)?|secret|token|api[-_]?key|authorization|cookie)$/i;

// Replaces values of secret-looking keys and passwords inside URLs before anything is written.
const redactSecrets = winston.format((info) => {
  for (const key of Object.keys(info)) info[key] = redactField(key, info[key], 0);
  return info;
});

// Plain objects (request headers, options) are copied with their secrets replaced, a few
// levels deep; the caller's objects are left as they were.
function redactField(key: string, value: unknown, depth: number): unknown {
  if (SECRET_KEYS.test(key)) return '[redacted]';
  if (typeof value === 'string' && /:\/\/[^/\s]*:[^@/\s]+@/.test(value)) {
    return value.replace(/(:\/\/[^/\s:]*):[^@/\s]+@/g, '$1:***@');
  }
  if (depth >= 4 || !isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, redactField(k, v, depth + 1)]),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Builds a winston logger: JSON lines in production, readable lines in development. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const pretty = options.format === 'pretty';
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { service: options.service ?? 'tta', ...options.defaultMeta },
    format: winston.format.combine(
      redactSecrets(),
      winston.format.timestamp(),
      winston.format.errors({ stack: true }),
      pretty ? prettyFormat() : winston.format.json(),
    ),
    transports: options.transports ?? [
      new winston.transports.Console({ stderrLevels: ['error', 'warn'] }),
    ],
  });
}

function prettyFormat() {
  return winston.format.printf((info) => {
    const { timestamp, level, message, service, stack, ...rest } = info;
    const fields = Object.entries(rest)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    const tail = typeof stack === 'string' ? `\n${stack}` : '';
    return `${String(timestamp)} ${String(service)} ${level}: ${String(message)} ${fields}${tail}`.trimEnd();
  });
}

import { createConfigSchema } from './config-schema';
import type { AppConfig } from './load-config';

/** What replaces a secret. */
export const REDACTED = '***';

// Names of fields that hold secrets wherever they are (API key hashes, tokens, passwords...):
// their string values are hidden even where the schema does not mark them sensitive.
const SECRET_FIELD = /password|passwd|secret|token|hash|credential|api[-_]?key|private[-_]?key/i;

// A URL with a user or password in it: `scheme://user:password@host...`.
const URL_WITH_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i;

let sensitivePaths: ReadonlySet<string> | undefined;

/**
 * The config with every secret replaced, safe to log or show: the keys the convict schema marks
 * `sensitive` (a URL keeps all but its credentials; an empty value stays empty, so an operator
 * sees that none is set), string fields whose names say they are secrets (`hash`, `password`,
 * `token`, `secret`, `apiKey`...), and the credentials of any URL.
 */
export function redactConfig(config: AppConfig): unknown {
  sensitivePaths ??= schemaSensitivePaths();
  return redactValue(config, '', '', sensitivePaths);
}

/**
 * A Redis URL with its password (and username) replaced by `***`, and a Sentinel password in
 * its query too. A URL of several hosts (a cluster's seed nodes, Sentinels) keeps its hosts.
 */
export function redactUrl(url: string): string {
  let redacted: string;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = REDACTED;
    if (parsed.username) parsed.username = REDACTED;
    redacted = parsed.toString();
  } catch {
    // `host:port,host:port` is no WHATWG URL: its credentials are cut out by hand.
    const match = /^([a-z][a-z0-9+.-]*:\/\/)(?:([^@/?#]*)@)?(\S*)$/i.exec(url);
    if (!match) return REDACTED;
    redacted = match[2] === undefined ? url : `${match[1]}${REDACTED}@${match[3]}`;
  }
  return redacted.replace(/([?&]sentinelPassword=)[^&#]*/gi, `$1${REDACTED}`);
}

function redactValue(
  value: unknown,
  path: string,
  field: string,
  sensitive: ReadonlySet<string>,
): unknown {
  if (sensitive.has(path)) return hide(value);
  if (typeof value === 'string') {
    if (SECRET_FIELD.test(field)) return hide(value);
    return URL_WITH_CREDENTIALS.test(value) ? redactUrl(value) : value;
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => redactValue(item, `${path}.${i}`, field, sensitive));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [
        key,
        redactValue(child, path ? `${path}.${key}` : key, key, sensitive),
      ]),
    );
  }
  return value;
}

function hide(value: unknown): unknown {
  if (value === '' || value === undefined || value === null) return value;
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return redactUrl(value);
  return REDACTED;
}

interface SchemaNode {
  _cvtProperties?: Record<string, SchemaNode>;
  sensitive?: boolean;
}

// The dotted paths of the keys the convict schema marks `sensitive: true`.
function schemaSensitivePaths(): Set<string> {
  const paths = new Set<string>();
  const walk = (node: SchemaNode, at: string): void => {
    for (const [key, child] of Object.entries(node._cvtProperties ?? {})) {
      const path = at ? `${at}.${key}` : key;
      if (child.sensitive === true) paths.add(path);
      walk(child, path);
    }
  };
  walk(createConfigSchema({}).getSchema() as SchemaNode, '');
  return paths;
}

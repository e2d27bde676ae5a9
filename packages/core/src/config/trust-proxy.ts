import { isIP } from 'node:net';

/**
 * Which proxies the API believes about the client's address (`X-Forwarded-For`), in the form
 * express's `trust proxy` setting takes: `false` (none: the address is the connection's), a
 * hop count, or the proxies' addresses, subnets and named ranges.
 */
export type TrustProxySetting = false | number | string[];

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

const FORMAT =
  'must be false, a hop count (1, 2...), or a comma-separated list of proxy addresses, subnets (10.0.0.0/8) and loopback, linklocal, uniquelocal';

/**
 * Config `api.trustProxy` as express takes it. `false` or empty: no proxy is trusted. A positive
 * integer n: the address n hops before the API (the client's address as the nth proxy from
 * the API saw it). Otherwise a comma-separated list of IP addresses, CIDR subnets and the names
 * `loopback`, `linklocal`, `uniquelocal`: a request from one of them is believed about the
 * address it forwards for. Throws for anything else, and for `true` or a `/0` subnet, which
 * would believe any client about its own address.
 */
export function trustProxySetting(text: string): TrustProxySetting {
  const value = text.trim();
  if (value === '' || value === 'false') return false;
  if (value === 'true') {
    throw new Error(`${FORMAT}; true would let any client choose its own address`);
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops < 1 || hops > 100) throw new Error(`${FORMAT}; a hop count runs from 1 to 100`);
    return hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) checkEntry(entry);
  return entries;
}

function checkEntry(entry: string): void {
  if (NAMED_RANGES.has(entry)) return;
  const [address = '', prefix, extra] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) throw new Error(`${FORMAT}; '${entry}' is neither`);
  if (prefix === undefined) return;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  if (!(bits >= 1 && bits <= (version === 4 ? 32 : 128))) {
    throw new Error(
      `${FORMAT}; '${entry}' needs a prefix length from 1 to ${version === 4 ? 32 : 128}`,
    );
  }
}

import path from 'node:path';
import type { PolicyPermissions } from './policy-schema';

/** What a tool declares it reaches when it runs; the policy's permissions must cover all of it. */
export interface ToolNeeds {
  /** Hosts it connects to, e.g. `api.example.com`. Default: none. */
  network?: readonly string[];
  /** Absolute paths it reads or writes (files or directories). Default: none. */
  filesystem?: { read?: readonly string[]; write?: readonly string[] };
  /** Whether it starts processes. Default: false. */
  process?: boolean;
}

/**
 * Why `needs` exceed `permissions`, or `undefined` when the permissions cover them: every host
 * is allowed (an `*.example.com` entry covers its subdomains), every path lies inside an
 * allowed path of its kind, and `process` is allowed when needed.
 */
export function needsProblem(needs: ToolNeeds, permissions: PolicyPermissions): string | undefined {
  for (const host of needs.network ?? []) {
    const allowed = permissions.network === 'none' ? [] : permissions.network.allow;
    if (!allowed.some((pattern) => hostMatches(host.toLowerCase(), pattern))) {
      return `network access to '${host}' is not allowed`;
    }
  }
  for (const kind of ['read', 'write'] as const) {
    for (const file of needs.filesystem?.[kind] ?? []) {
      const allowed = permissions.filesystem === 'none' ? [] : permissions.filesystem[kind];
      if (!allowed.some((root) => isInside(file, root))) {
        return `filesystem ${kind} of '${file}' is not allowed`;
      }
    }
  }
  if (needs.process === true && !permissions.process) return 'starting processes is not allowed';
  return undefined;
}

function hostMatches(host: string, pattern: string): boolean {
  if (!pattern.startsWith('*.')) return host === pattern;
  return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
}

function isInside(file: string, root: string): boolean {
  if (!path.isAbsolute(file)) return false;
  const relative = path.relative(root, path.resolve(file));
  const outside = relative === '..' || relative.startsWith(`..${path.sep}`);
  return !outside && !path.isAbsolute(relative);
}

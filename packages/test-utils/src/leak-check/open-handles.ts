import { ChildProcess } from 'node:child_process';
import { Server, Socket } from 'node:net';

/** A handle that keeps the process alive, described for a person. */
export interface OpenHandle {
  /** The handle itself: a `Socket`, `Server`, `ChildProcess`... */
  handle: object;
  /** What sort of handle it is. */
  kind: 'socket' | 'server' | 'child process' | 'other';
  /** What it is: addresses, pid and command line, or its class. */
  description: string;
  /** For a TCP socket: its local and remote address, to find it in Redis's CLIENT LIST. */
  tcp?: { local: string; remote: string; remoteHost: string; remotePort: number };
}

/**
 * The handles (sockets, servers, child processes, watchers...) that keep the event loop
 * alive now: unref'd ones do not count. Timers are not handles here; see `TimerTracker`.
 */
export function activeHandles(): object[] {
  // Node's own list: `process.getActiveResourcesInfo()` only gives the kinds, not the objects.
  const node = process as unknown as { _getActiveHandles(): object[] };
  return node._getActiveHandles();
}

/** The number of active timers that keep the process alive (ref'd `Timeout`s). */
export function refedTimerCount(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

/** Describes one handle of {@link activeHandles}. */
export function describeHandle(handle: object): OpenHandle {
  if (handle instanceof ChildProcess) {
    return {
      handle,
      kind: 'child process',
      description: `child process ${handle.pid ?? '?'}: ${handle.spawnargs.join(' ')}`,
    };
  }
  if (handle instanceof Server) {
    const address = handle.address();
    const where =
      typeof address === 'string' ? address : address ? `${address.address}:${address.port}` : '?';
    return { handle, kind: 'server', description: `server listening on ${where}` };
  }
  if (handle instanceof Socket) return describeSocket(handle);
  return { handle, kind: 'other', description: `handle ${handle.constructor.name}` };
}

function describeSocket(socket: Socket): OpenHandle {
  const { remoteAddress, remotePort, localAddress, localPort } = socket;
  if (remoteAddress === undefined || remotePort === undefined) {
    return {
      handle: socket,
      kind: 'socket',
      description: 'pipe or IPC socket (a child process’s stdio?)',
    };
  }
  const local = `${localAddress ?? '?'}:${localPort ?? '?'}`;
  const remote = `${remoteAddress}:${remotePort}`;
  return {
    handle: socket,
    kind: 'socket',
    description: `TCP socket ${local} -> ${remote}`,
    tcp: { local, remote, remoteHost: remoteAddress, remotePort },
  };
}

/**
 * Lets the process exit in spite of `handle` (`unref()`), without closing it: what a failed
 * test file left open must not hold up the rest of the run.
 */
export function unrefHandle(handle: object): void {
  const unref = (handle as { unref?: () => unknown }).unref;
  if (typeof unref === 'function') unref.call(handle);
}

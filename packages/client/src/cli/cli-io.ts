/** Where the CLI writes: a process stream, or a buffer in tests. */
export interface CliStream {
  /** Writes text as it is (no newline added). */
  write(text: string): unknown;
  /** Whether the stream is a terminal; the progress bar is drawn only on one. */
  isTTY?: boolean;
  /** Width of the terminal in characters, when it is one. */
  columns?: number;
  /** Calls `listener` once the stream has room again after `write` answered `false`. */
  once?(event: 'drain', listener: () => void): unknown;
}

/** What the CLI reads and writes besides the network: injected, so it runs without a process. */
export interface CliIo {
  /** Results: ids, tables, passages, JSON. */
  stdout: CliStream;
  /** Errors, progress and event lines. */
  stderr: CliStream;
  /** Environment variables (`TTA_URL`, `TTA_API_KEY`). */
  env: Readonly<Record<string, string | undefined>>;
  /** Stops a command that follows a stream (Ctrl-C); it then exits as interrupted. Default: none. */
  signal?: AbortSignal;
}

/** The IO of the running process. */
export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    ...(signal && { signal }),
  };
}

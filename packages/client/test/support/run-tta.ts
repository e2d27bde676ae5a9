import { run } from '../../src/cli/run-cli';

/** How a run of `tta` ended, with its output. */
export interface TtaOutcome {
  /** Its exit code. */
  code: number;
  /** What it wrote on stdout. */
  stdout: string;
  /** What it wrote on stderr. */
  stderr: string;
}

/** Options of {@link runTta}. */
export interface RunTtaOptions {
  /** The API it talks to, as `TTA_URL`. */
  url: string;
  /** Whether stdout and stderr are terminals. Default: false. */
  tty?: boolean;
  /** More environment variables. Default: none. */
  env?: Record<string, string>;
  /** Ctrl-C. Default: none. */
  signal?: AbortSignal;
  /** Called with each piece of stdout as it is written. Default: none. */
  onStdout?: (text: string) => void;
}

/** Runs `tta` in this process, with its output captured. */
export async function runTta(argv: string[], options: RunTtaOptions): Promise<TtaOutcome> {
  let stdout = '';
  let stderr = '';
  const tty = options.tty ?? false;
  const code = await run(argv, {
    stdout: {
      write: (text: string) => {
        stdout += text;
        options.onStdout?.(text);
      },
      isTTY: tty,
    },
    stderr: { write: (text: string) => (stderr += text), isTTY: tty, columns: 60 },
    env: { TTA_URL: options.url, ...options.env },
    ...(options.signal && { signal: options.signal }),
  });
  return { code, stdout, stderr };
}

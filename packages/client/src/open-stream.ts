import { apiErrorOf } from './api-error';

/** Options of {@link openStream}. */
export interface OpenStreamOptions {
  /** Request headers (the media type it accepts, its key, `Last-Event-ID`). */
  headers: Record<string, string>;
  /** How long the API may take to answer; the body may then take any time. */
  timeoutMs: number;
  /** Stops waiting for the answer, and reading its body. Default: none. */
  signal?: AbortSignal;
}

/**
 * `GET url` for a body read as it comes (an event stream, JSON lines): resolves with the
 * response once the API answers, or throws its {@link ApiError} when that answer is an error.
 */
export async function openStream(url: string, options: OpenStreamOptions): Promise<Response> {
  const starting = new AbortController();
  const timer = setTimeout(
    () => starting.abort(new Error(`no answer within ${options.timeoutMs} ms`)),
    options.timeoutMs,
  );
  const signal = options.signal
    ? AbortSignal.any([starting.signal, options.signal])
    : starting.signal;
  let res: Response;
  try {
    res = await fetch(url, { headers: options.headers, signal });
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok || !res.body) throw apiErrorOf(res, await res.text());
  return res;
}

/** The body of `res` as UTF-8 text, chunk by chunk as it arrives; leaving early cancels it. */
export async function* textChunks(res: Response): AsyncGenerator<string, void> {
  if (!res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

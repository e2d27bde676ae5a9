/** Options of {@link SharedRead}. */
export interface SharedReadOptions {
  /** Longest a read may take before callers get an error. Default: 2000 ms. */
  timeoutMs?: number;
  /** What is read, for the timeout error, e.g. `'queue depths'`. */
  what: string;
}

/**
 * A read from Redis that callers asking at the same time share (the gauges of one scrape), and
 * that fails after a timeout instead of hanging while Redis is away (a worker-role connection
 * queues commands until it is back).
 */
export class SharedRead<T> {
  private readonly timeoutMs: number;
  private reading?: Promise<T>;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly options: SharedReadOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 2000;
    if (!Number.isInteger(this.timeoutMs) || this.timeoutMs <= 0) {
      throw new TypeError('SharedRead: timeoutMs must be a positive integer');
    }
  }

  /** The read under way, or a new one. */
  get(): Promise<T> {
    this.reading ??= this.timed().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private timed(): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.options.what}: no answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    return Promise.race([this.read(), timeout]).finally(() => clearTimeout(timer));
  }
}

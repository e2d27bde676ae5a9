import type { CliStream } from './cli-io';

/**
 * The percentage a progress event reports: a number 0-100, or an object with a numeric
 * `percent`, clamped to 0-100; `undefined` for anything else.
 */
export function percentOf(progress: unknown): number | undefined {
  const value =
    typeof progress === 'number'
      ? progress
      : typeof progress === 'object' && progress !== null
        ? (progress as { percent?: unknown }).percent
        : undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return Math.min(100, Math.max(0, value));
}

/** A bar of `width` cells for `percent`: `[#########-----------]  45%`. */
export function progressBar(percent: number, width: number): string {
  const filled = Math.round((percent / 100) * width);
  const label = `${Math.round(percent)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${label}`;
}

const CLEAR_LINE = '\r\x1b[2K';

/**
 * Event lines on a stream, with a progress bar kept on its last line when the stream is a
 * terminal: a new line clears the bar, is written, and the bar is drawn again under it. On
 * anything else, progress is a line of its own each time its percentage changes.
 */
export class ProgressLine {
  private bar: string | undefined;
  private lastPercent: number | undefined;

  constructor(private readonly stream: CliStream) {}

  /** Writes one line of text. */
  line(text: string): void {
    this.stream.write(this.bar === undefined ? `${text}\n` : `${CLEAR_LINE}${text}\n${this.bar}`);
  }

  /** Shows `percent`: the bar on a terminal, else a `progress N%` line when it changed. */
  progress(percent: number): void {
    if (percent === this.lastPercent) return;
    this.lastPercent = percent;
    if (!this.stream.isTTY) {
      this.line(`progress ${Math.round(percent)}%`);
      return;
    }
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 10));
    this.bar = progressBar(percent, width);
    this.stream.write(`${CLEAR_LINE}${this.bar}`);
  }

  /** Removes the bar, leaving the cursor at the start of an empty line. */
  done(): void {
    if (this.bar === undefined) return;
    this.bar = undefined;
    this.stream.write(CLEAR_LINE);
  }
}

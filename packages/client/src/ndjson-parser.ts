/**
 * Turns newline-delimited JSON (`application/x-ndjson`), in chunks of any size, into values:
 * one JSON value per line, lines ending in `\n` or `\r\n`, blank lines skipped. A line that is
 * not JSON throws a `SyntaxError` that gives its line number.
 */
export class NdjsonParser {
  /** The start of a line whose end has not come yet. */
  private rest = '';
  private lineNumber = 0;

  /** Feeds one chunk; returns the values of the lines it completed. */
  push(chunk: string): unknown[] {
    const text = this.rest + chunk;
    const values: unknown[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      this.parseLine(text.slice(start, end), values);
      start = end + 1;
    }
    this.rest = text.slice(start);
    return values;
  }

  /** Ends the input; returns the value of a last line that had no line end. */
  end(): unknown[] {
    const values: unknown[] = [];
    this.parseLine(this.rest, values);
    this.rest = '';
    return values;
  }

  private parseLine(line: string, into: unknown[]): void {
    this.lineNumber += 1;
    if (line.trim() === '') return;
    try {
      into.push(JSON.parse(line));
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new SyntaxError(`line ${this.lineNumber} is not JSON: ${why}`);
    }
  }
}

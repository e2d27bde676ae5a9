/** A command line the CLI cannot run: a missing argument, an unknown option, bad JSON. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help the error points to; none for the top level. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

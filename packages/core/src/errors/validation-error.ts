import { AppError, type AppErrorOptions } from './app-error';

/** One invalid field: its dotted path and what is wrong with it. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Input that does not match its schema. The message names the first offending field. */
export class ValidationError extends AppError {
  readonly issues: FieldIssue[];

  constructor(issues: FieldIssue[], options: AppErrorOptions = {}) {
    const first = issues[0];
    const message = first ? `invalid ${first.path || 'body'}: ${first.message}` : 'invalid input';
    super('invalid_input', message, { details: { issues }, ...options });
    this.issues = issues;
  }
}

import { AppError } from './app-error';

/** A tool call ran past the `timeoutMs` of its policy and was aborted. */
export class ToolTimeoutError extends AppError {
  constructor(tool: string, timeoutMs: number) {
    super('tool_timeout', `tool '${tool}' timed out after ${timeoutMs} ms`, {
      details: { tool, timeoutMs },
    });
  }
}

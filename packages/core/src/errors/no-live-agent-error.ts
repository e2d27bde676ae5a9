import { AppError } from './app-error';

/** No live agent can serve the task (its capability, with its requirements) and config says to refuse rather than queue. */
export class NoLiveAgentError extends AppError {
  constructor(capability: string, requirements: Record<string, string> = {}) {
    const pairs = Object.entries(requirements).map(([key, value]) => `${key}=${value}`);
    const needs = pairs.length > 0 ? ` with ${pairs.join(', ')}` : '';
    super('no_live_agent', `no live agent serves '${capability}'${needs}; task refused`, {
      details: pairs.length > 0 ? { capability, requirements } : { capability },
    });
  }
}

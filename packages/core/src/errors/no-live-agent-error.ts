import { AppError } from './app-error';

/** No live agent serves the capability and config says to refuse rather than queue. */
export class NoLiveAgentError extends AppError {
  constructor(capability: string) {
    super('no_live_agent', `no live agent serves '${capability}'; task refused`, {
      details: { capability },
    });
  }
}

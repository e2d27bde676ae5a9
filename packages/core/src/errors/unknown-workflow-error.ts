import { AppError } from './app-error';

/** A run asks for a workflow that no definition file defines. */
export class UnknownWorkflowError extends AppError {
  constructor(workflow: string, known: readonly string[]) {
    super('unknown_workflow', `unknown workflow '${workflow}'`, {
      details: { workflow, known },
    });
  }
}

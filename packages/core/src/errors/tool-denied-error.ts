import { AppError } from './app-error';

/**
 * The tool policy refused a tool call: the tool is not allowed for the agent type, is not
 * registered, or needs more than the policy's permissions. No retry changes that, so the task
 * fails at once; the message starts with the code, so the task's error names it.
 */
export class ToolDeniedError extends AppError {
  constructor(agentType: string, tool: string, reason: string, policyVersion: string) {
    super(
      'tool_denied',
      `tool_denied: tool '${tool}' denied for agent type '${agentType}': ${reason} (policy ${policyVersion})`,
      { details: { agentType, tool, reason, policyVersion } },
    );
  }
}

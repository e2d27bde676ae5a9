/** Token usage of a task (filled by LLM-backed handlers). */
export interface TaskUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** The tools of a task's context (`ctx.tools`). */
export interface TaskTools {
  /**
   * Calls a tool under the tool policy of the agent's type: the tool must be allowed, its needs
   * within the policy's permissions; it is aborted past its `timeoutMs` and waits for a slot
   * past its `concurrency`. A refused call throws `ToolDeniedError` (the task then fails
   * without a retry), one past its timeout `ToolTimeoutError`; a failing tool's error is
   * thrown as it is.
   */
  call(name: string, args?: Record<string, unknown>): Promise<unknown>;
}

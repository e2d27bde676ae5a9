import type { Usage } from '@tta/contracts';

/** Token usage of a task (filled by LLM-backed handlers): the contract's {@link Usage}. */
export type TaskUsage = Usage;

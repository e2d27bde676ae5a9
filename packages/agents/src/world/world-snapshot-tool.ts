import { parseOrThrow } from '@tta/core';
import { defineTool, type ToolDefinition } from '@tta/agent-sdk';
import { z } from 'zod';
import type { WorldStore } from './world-store';

/** The name the tool policy allows the world snapshot tool by. */
export const WORLD_SNAPSHOT_TOOL = 'world.snapshot';

const argsSchema = z.object({ sessionId: z.string() }).strict();

/**
 * The `world.snapshot` tool: the world of a session and its version, read from the world store
 * (a new session gets the starting world), without changing it. It reaches nothing outside
 * the agent's Redis, so it needs no permission beyond being allowed.
 */
export function createWorldSnapshotTool(store: WorldStore): ToolDefinition {
  return defineTool({
    name: WORLD_SNAPSHOT_TOOL,
    description: "Reads a session's world and its version without changing it",
    handler: async (args, ctx) => {
      const { sessionId } = parseOrThrow(argsSchema, args);
      ctx.signal.throwIfAborted();
      return store.read(sessionId);
    },
  });
}

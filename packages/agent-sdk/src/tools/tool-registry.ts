import { defineTool, type ToolDefinition } from './tool-definition';

/** The tools of an agent process, by name. */
export class ToolRegistry {
  private readonly tools = new Map<string, ToolDefinition>();

  /** A registry holding `tools`; throws when two share a name. */
  constructor(tools: readonly ToolDefinition[] = []) {
    for (const tool of tools) this.register(tool);
  }

  /** Adds a tool; throws when one of that name is registered. */
  register(tool: ToolDefinition): void {
    if (this.tools.has(tool.name)) {
      throw new TypeError(`tool '${tool.name}' is registered twice`);
    }
    this.tools.set(tool.name, defineTool(tool));
  }

  /** The tool of that name, if registered. */
  get(name: string): ToolDefinition | undefined {
    return this.tools.get(name);
  }

  /** Names of the registered tools, sorted. */
  names(): string[] {
    return [...this.tools.keys()].sort();
  }
}

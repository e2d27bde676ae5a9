import type { CapabilityConfig } from '../config/catalog-schema';
import type { AppConfig } from '../config/load-config';
import { capabilitySchemas, type CapabilitySchemas } from '@tta/contracts';
import { UnknownCapabilityError } from '../errors/unknown-capability-error';

/** One capability with its settings and (for built-ins) its schemas. */
export interface CapabilityEntry extends Readonly<Omit<CapabilityConfig, 'pools'>> {
  name: string;
  /** Label sets declared for its pool queues (config `capabilities.<name>.pools`). */
  pools?: ReadonlyArray<Readonly<Record<string, string>>>;
  schemas?: CapabilitySchemas;
}

/** The capabilities this deployment serves, read from config. */
export class CapabilityCatalog {
  private readonly entries: ReadonlyMap<string, CapabilityEntry>;

  constructor(capabilities: AppConfig['capabilities']) {
    const entries = new Map<string, CapabilityEntry>();
    for (const [name, settings] of Object.entries(capabilities)) {
      entries.set(name, { ...settings, name, schemas: capabilitySchemas(name) });
    }
    this.entries = entries;
  }

  /** Every capability name, sorted. */
  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** Every entry. */
  list(): CapabilityEntry[] {
    return this.names().map((name) => this.entries.get(name) as CapabilityEntry);
  }

  /** Whether the catalog holds `capability`. */
  has(capability: string): boolean {
    return this.entries.has(capability);
  }

  /** The entry of `capability`; throws {@link UnknownCapabilityError} when there is none. */
  get(capability: string): CapabilityEntry {
    const entry = this.entries.get(capability);
    if (!entry) throw new UnknownCapabilityError(capability, this.names());
    return entry;
  }

  /** The capabilities served by an agent type. */
  forAgentType(agentType: string): string[] {
    return this.list()
      .filter((entry) => entry.agentType === agentType)
      .map((entry) => entry.name);
  }
}

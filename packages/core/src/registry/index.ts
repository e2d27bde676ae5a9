/**
 * The agent registry: live agents, their heartbeats and gauges, and the control channel to them.
 */
export {
  type AgentCommand,
  AgentControl,
  agentControlChannel,
  type AgentControlOptions,
  drainKey,
  parseAgentCommand,
} from './agent-control';
export { registerAgentGauges } from './agent-gauges';
export {
  type AgentFilter,
  type AgentInfo,
  type AgentRegistration,
  AgentRegistry,
  type AgentRegistryOptions,
  type AgentStatus,
  type RegistryEvent,
  type SweptAgent,
} from './agent-registry';

import type { ApiOperation } from '../operation';
import {
  agentListSchema,
  agentQuerySchema,
  agentSchema,
  capabilityDetailSchema,
  capabilityListSchema,
  drainBodySchema,
  drainRequestedSchema,
  previewQuerySchema,
  routePreviewSchema,
} from '../schemas/agents';
import { diagnosticsSchema } from '../schemas/system';

const AGENT_ID = 'the agent id, as `GET /v1/agents` lists it';

/** The agent, capability and routing routes. */
export const AGENT_OPERATIONS = [
  {
    method: 'GET',
    path: '/v1/agents',
    scope: 'agents:read',
    operationId: 'listAgents',
    tag: 'agents',
    summary: 'List live agents',
    query: agentQuerySchema,
    response: {
      status: 200,
      description: 'the live agents',
      body: { name: 'AgentList', schema: agentListSchema },
    },
  },
  {
    method: 'GET',
    path: '/v1/agents/:id',
    scope: 'agents:read',
    operationId: 'getAgent',
    tag: 'agents',
    summary: 'Read one live agent',
    pathParams: { id: AGENT_ID },
    response: {
      status: 200,
      description: 'the agent',
      body: { name: 'Agent', schema: agentSchema },
    },
  },
  {
    method: 'POST',
    path: '/v1/agents/:id/drain',
    scope: 'admin',
    operationId: 'drainAgent',
    tag: 'agents',
    summary: 'Ask a live agent to drain: it stops taking tasks, finishes its own and leaves',
    description:
      'Its status reads `draining` meanwhile; a worker process exits 0 once it has left the registry.',
    pathParams: { id: AGENT_ID },
    body: { name: 'AgentDrainRequest', schema: drainBodySchema },
    bodyOptional: true,
    response: {
      status: 202,
      description: 'the drain is requested',
      body: { name: 'DrainRequested', schema: drainRequestedSchema },
    },
  },
  {
    method: 'GET',
    path: '/v1/capabilities',
    scope: 'agents:read',
    operationId: 'listCapabilities',
    tag: 'agents',
    summary: 'The capability catalog with live agents, capacity and queue depth per queue',
    response: {
      status: 200,
      description: 'the capabilities, by name',
      body: {
        name: 'CapabilityList',
        schema: capabilityListSchema,
      },
    },
  },
  {
    method: 'GET',
    path: '/v1/capabilities/:name',
    scope: 'agents:read',
    operationId: 'getCapability',
    tag: 'agents',
    summary:
      'One capability: its input and output schemas, its queues and the live agents serving it',
    pathParams: { name: 'the capability, e.g. `narrative.generate`' },
    response: {
      status: 200,
      description: 'the capability',
      body: { name: 'CapabilityDetail', schema: capabilityDetailSchema },
    },
  },
  {
    method: 'GET',
    path: '/v1/routing/preview',
    scope: 'agents:read',
    operationId: 'previewRouting',
    tag: 'agents',
    summary: 'Where a task would go now, and why; nothing is enqueued',
    query: previewQuerySchema,
    response: {
      status: 200,
      description: 'the chosen queue and the verdict on every candidate',
      body: { name: 'RoutePreview', schema: routePreviewSchema },
    },
  },
  {
    method: 'GET',
    path: '/v1/diagnostics',
    scope: 'admin',
    operationId: 'getDiagnostics',
    tag: 'agents',
    summary: 'The whole system at once: agents, registry events, queue depths, leader, config',
    response: {
      status: 200,
      description: 'the report; secrets in the configuration are redacted',
      body: { name: 'Diagnostics', schema: diagnosticsSchema },
    },
  },
] as const satisfies readonly ApiOperation[];

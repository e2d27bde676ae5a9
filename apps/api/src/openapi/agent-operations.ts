import { z } from 'zod';
import { drainBodySchema } from '../routes/agent-drain';
import { agentQuerySchema } from '../routes/agents';
import { previewQuerySchema } from '../routes/routing';
import type { ApiOperation } from './api-operation';
import {
  agentSchema,
  capabilitySchema,
  diagnosticsSchema,
  drainRequestedSchema,
  routePreviewSchema,
} from './response-schemas';

const AGENT_ID = 'the agent id, as `GET /v1/agents` lists it';

/** The agent, capability and routing routes. */
export const AGENT_OPERATIONS: readonly ApiOperation[] = [
  {
    method: 'GET',
    path: '/v1/agents',
    operationId: 'listAgents',
    tag: 'agents',
    summary: 'List live agents',
    query: agentQuerySchema,
    response: {
      status: 200,
      description: 'the live agents',
      body: { name: 'AgentList', schema: z.object({ agents: z.array(agentSchema) }) },
    },
  },
  {
    method: 'GET',
    path: '/v1/agents/:id',
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
    operationId: 'listCapabilities',
    tag: 'agents',
    summary: 'The capability catalog with live agents, capacity and queue depth per queue',
    response: {
      status: 200,
      description: 'the capabilities, by name',
      body: {
        name: 'CapabilityList',
        schema: z.object({ capabilities: z.array(capabilitySchema) }),
      },
    },
  },
  {
    method: 'GET',
    path: '/v1/routing/preview',
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
    operationId: 'getDiagnostics',
    tag: 'agents',
    summary: 'The whole system at once: agents, registry events, queue depths, leader, config',
    response: {
      status: 200,
      description: 'the report; secrets in the configuration are redacted',
      body: { name: 'Diagnostics', schema: diagnosticsSchema },
    },
  },
];

import type { ApiOperation } from '../operation';
import { scalingReportSchema } from '../schemas/scaling';

/** The autoscaler's route. */
export const SCALING_OPERATIONS = [
  {
    method: 'GET',
    path: '/v1/scaling',
    scope: 'agents:read',
    operationId: 'getScaling',
    tag: 'agents',
    summary: 'Autoscaler: desired and actual replicas per agent type, and its last decisions',
    description:
      'What the leading supervisor publishes in Redis on every decision (config `autoscaler`); empty lists while no autoscaler has run.',
    response: {
      status: 200,
      description: 'the scaling state',
      body: { name: 'ScalingReport', schema: scalingReportSchema },
    },
  },
] as const satisfies readonly ApiOperation[];

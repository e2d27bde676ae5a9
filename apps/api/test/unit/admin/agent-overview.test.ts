import type { RegistryEvent } from '@tta/core';
import { goneAgents } from '../../../src/admin/agent-overview';

const event = (
  type: RegistryEvent['type'],
  agentId: string,
  at: number,
  reason?: string,
): RegistryEvent => ({ type, agentId, agentType: 't', at, ...(reason && { reason }) });

describe('goneAgents', () => {
  it('keeps the last left or dead event of each agent that is not live, newest first', () => {
    const events = [
      event('joined', 'a', 1),
      event('joined', 'b', 2),
      event('left', 'a', 3, 'drained: requested on the agents page'),
      event('dead', 'b', 4, 'heartbeat expired'),
      event('joined', 'c', 5),
      event('left', 'live-again', 6),
      event('dead', 'a', 7, 'heartbeat expired'),
    ];
    expect(goneAgents(events, new Set(['c', 'live-again']))).toEqual([
      { id: 'a', type: 't', how: 'dead', at: 7, reason: 'heartbeat expired' },
      { id: 'b', type: 't', how: 'dead', at: 4, reason: 'heartbeat expired' },
    ]);
  });

  it('leaves out joined events', () => {
    expect(goneAgents([event('joined', 'a', 1)], new Set())).toEqual([]);
  });
});

import { API_OPERATIONS, API_SCOPES, API_TAGS, findOperation } from '@tta/contracts';

describe('API_OPERATIONS', () => {
  it('names each method and path once, and each operationId once', () => {
    const routes = API_OPERATIONS.map((op) => `${op.method} ${op.path}`);
    expect(new Set(routes).size).toBe(routes.length);
    const ids = API_OPERATIONS.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every operation a known scope, a known tag and a description of each path parameter', () => {
    const tags = new Set(API_TAGS.map((tag) => tag.name));
    for (const op of API_OPERATIONS) {
      expect([op.operationId, [...API_SCOPES, 'public'].includes(op.scope)]).toEqual([
        op.operationId,
        true,
      ]);
      expect([op.operationId, tags.has(op.tag)]).toEqual([op.operationId, true]);
      const params = [...op.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
      const described: Record<string, string> = 'pathParams' in op ? op.pathParams : {};
      expect([op.operationId, Object.keys(described)]).toEqual([op.operationId, params]);
    }
  });

  it('opens only liveness to callers without a key', () => {
    const open = API_OPERATIONS.filter((op) => op.scope === 'public').map((op) => op.path);
    expect(open).toEqual(['/healthz']);
  });

  it('lists a fixed path before a parameter that would match it, as express matches in order', () => {
    API_OPERATIONS.forEach((op, i) => {
      const pattern = new RegExp(`^${op.path.replace(/:\w+/g, '[^/]+')}$`);
      const shadowed = API_OPERATIONS.slice(i + 1).filter(
        (later) =>
          later.method === op.method && !later.path.includes(':') && pattern.test(later.path),
      );
      expect([op.operationId, shadowed.map((later) => later.operationId)]).toEqual([
        op.operationId,
        [],
      ]);
    });
  });

  it('finds an operation by its id', () => {
    expect(findOperation('getTask')).toMatchObject({ method: 'GET', path: '/v1/tasks/:id' });
    expect(findOperation('nope')).toBeUndefined();
  });
});

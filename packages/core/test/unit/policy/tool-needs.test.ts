import { needsProblem, type PolicyPermissions } from '@tta/core';

const open: PolicyPermissions = {
  network: { allow: ['api.example.com', '*.example.org'] },
  filesystem: { read: ['/srv/data'], write: ['/srv/data/out'] },
  process: true,
};
const closed: PolicyPermissions = { network: 'none', filesystem: 'none', process: false };

describe('needsProblem', () => {
  it('accepts needs within the permissions', () => {
    expect(
      needsProblem(
        {
          network: ['api.example.com', 'eu.example.org', 'a.b.example.org'],
          filesystem: { read: ['/srv/data', '/srv/data/x/y.txt'], write: ['/srv/data/out/f'] },
          process: true,
        },
        open,
      ),
    ).toBeUndefined();
    expect(needsProblem({}, closed)).toBeUndefined();
  });

  it.each([
    [{ network: ['evil.com'] }, "network access to 'evil.com' is not allowed"],
    [{ network: ['example.org'] }, "network access to 'example.org' is not allowed"],
    [{ network: ['notexample.org'] }, "network access to 'notexample.org' is not allowed"],
    [
      { filesystem: { read: ['/srv/database'] } },
      "filesystem read of '/srv/database' is not allowed",
    ],
    [
      { filesystem: { read: ['/srv/data/../etc'] } },
      "filesystem read of '/srv/data/../etc' is not allowed",
    ],
    [
      { filesystem: { write: ['/srv/data/x'] } },
      "filesystem write of '/srv/data/x' is not allowed",
    ],
    [{ filesystem: { read: ['relative'] } }, "filesystem read of 'relative' is not allowed"],
  ])('refuses %j', (needs, problem) => {
    expect(needsProblem(needs, open)).toBe(problem);
  });

  it('refuses anything when the permissions are none', () => {
    expect(needsProblem({ network: ['api.example.com'] }, closed)).toMatch(/network/);
    expect(needsProblem({ filesystem: { read: ['/srv/data'] } }, closed)).toMatch(/filesystem/);
    expect(needsProblem({ process: true }, closed)).toBe('starting processes is not allowed');
  });
});

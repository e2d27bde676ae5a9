import type { Config } from 'jest';

const swc: [string, Record<string, unknown>] = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const moduleNameMapper = {
  '^@tta/(contracts|core|test-utils|agent-sdk|agents|client)$':
    '<rootDir>/packages/$1/src/index.ts',
};

const common = {
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper,
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/apps', '<rootDir>/test'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};

const config: Config = {
  // Integration tests start processes and wait on Redis; each still bounds its own waits.
  testTimeout: 60_000,
  // Coverage (`npm run test:all`, or `--coverage`) counts the code that runs inside jest. The
  // apps' worker and supervisor and every `main.ts` run only as child processes started from
  // dist/, where it cannot be counted; test-utils is test code.
  collectCoverageFrom: [
    'packages/*/src/**/*.ts',
    'apps/*/src/**/*.ts',
    '!apps/{worker,supervisor}/**',
    '!**/src/**/main.ts',
    '!packages/test-utils/**',
  ],
  coverageReporters: ['text-summary', 'json-summary', 'lcov'],
  coverageThreshold: {
    // No threshold for the whole; one for each of these (their files taken together).
    global: {},
    './packages/core/': { lines: 90 },
    './packages/agent-sdk/': { lines: 90 },
    './apps/api/': { lines: 90 },
  },
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['**/test/unit/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['**/test/integration/**/*.int.test.ts'],
      // Fails a file that leaves a connection, server, process or timer open (after its afterAll).
      testEnvironment: '<rootDir>/packages/test-utils/src/leak-check/leak-check-environment.ts',
      globalSetup: '<rootDir>/packages/test-utils/src/global-setup.ts',
      globalTeardown: '<rootDir>/packages/test-utils/src/global-teardown.ts',
    },
    {
      // Chaos, Redis restarts and outages, poison tasks, API fuzzing and a soak against real
      // processes: short inside `npm run test:all`, full with `npm run test:reliability`.
      ...common,
      displayName: 'reliability',
      testMatch: ['**/test/reliability/**/*.rel.test.ts'],
      globalSetup: '<rootDir>/test/reliability/global-setup.ts',
      globalTeardown: '<rootDir>/test/reliability/global-teardown.ts',
    },
  ],
};

export default config;

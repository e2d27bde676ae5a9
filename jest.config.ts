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
      globalSetup: '<rootDir>/packages/test-utils/src/global-setup.ts',
      globalTeardown: '<rootDir>/packages/test-utils/src/global-teardown.ts',
    },
    {
      // Chaos, Redis restarts and outages, poison tasks, API fuzzing and a soak against real
      // processes: short inside `npm test`, full with `npm run test:reliability`.
      ...common,
      displayName: 'reliability',
      testMatch: ['**/test/reliability/**/*.rel.test.ts'],
      globalSetup: '<rootDir>/test/reliability/global-setup.ts',
      globalTeardown: '<rootDir>/test/reliability/global-teardown.ts',
    },
  ],
};

export default config;

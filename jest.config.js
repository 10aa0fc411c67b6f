// Three projects: fast unit tests (domain, adapters, no I/O), e2e tests (HTTP against real
// PostgreSQL and Redis) and browser tests (headless Chromium against the hub, test/browser/).
// `npm test` runs them all, in band, so e2e and browser suites never share a database.
const base = {
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
};
module.exports = {
  testTimeout: 60000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/adapters/**/*.spec.ts', '<rootDir>/config/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/utils/global-setup.ts',
      testTimeout: 60000,
    },
    {
      ...base,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      globalSetup: '<rootDir>/test/utils/global-setup.ts',
      testTimeout: 90000,
    },
  ],
};

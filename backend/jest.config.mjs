/**
 * Jest 30 on Node 24 with native ESM (NestJS 12 is ESM-only): run through
 * `node --experimental-vm-modules` (the `test` script does). Unit specs live beside the code
 * (src/**\/*.spec.ts); HTTP suites in test/ (*.e2e-spec.ts), each on its own database.
 */
export default {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  setupFiles: ['<rootDir>/test/kit/preload.mjs'],
  globalSetup: '<rootDir>/test/kit/global-setup.mjs',
  globalTeardown: '<rootDir>/test/kit/global-teardown.mjs',
  testTimeout: 60_000,
  maxWorkers: 2,
};

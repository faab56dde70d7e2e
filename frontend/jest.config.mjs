/**
 * Unit/integration tests of the Better Auth plugin and the token helper, against the real backend
 * (booted by test/global-setup.mjs on its own database) and real PostgreSQL.
 */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' },
  transform: {
    '^.+\\.tsx?$': [
      'ts-jest',
      {
        useESM: true,
        tsconfig: {
          module: 'esnext',
          moduleResolution: 'bundler',
          target: 'es2023',
          allowImportingTsExtensions: true,
          verbatimModuleSyntax: false,
          isolatedModules: true,
          esModuleInterop: true,
          skipLibCheck: true,
          noEmit: false,
          types: ['node', 'jest'],
        },
        diagnostics: false,
      },
    ],
  },
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  testTimeout: 60_000,
  maxWorkers: 1,
};

/**
 * Two projects, run by `npm run test:unit` and `npm run test:e2e` (`npm test` builds once, then runs both):
 * - unit: every spec except the end-to-end ones; the worker-thread specs use dist/ when it is built;
 * - e2e: `*.e2e.test.ts`, the specs that run the built CLI or the packed package, spawn processes or send
 *   signals, or run whole CLI commands. They need dist/ (`npm run test:e2e` builds it first).
 * `npx jest spec/some/path` runs a spec whichever project it belongs to.
 */
const common = {
  // Node's own typed-array constructors (onnxruntime-node checks them across realms, see the file).
  testEnvironment: '<rootDir>/spec/node-realm-environment.js',
  roots: ['<rootDir>/spec'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['\\.e2e\\.test\\.ts$'] },
    { ...common, displayName: 'e2e', testMatch: ['**/*.e2e.test.ts'] },
  ],
  // A hang guard only (what a spec checks is bounded by its seeded runs): generous, because the 2-core machines are
  // shared and a whole CLI run can take minutes under load. Suites that need longer say so per test.
  testTimeout: 300_000,
  // tfjs + wasm initialisation is per worker; two workers match the 2-core machines.
  maxWorkers: 2,
};

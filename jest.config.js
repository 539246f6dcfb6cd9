/** @type {import('jest').Config} */
module.exports = {
  // Node's own typed-array constructors (onnxruntime-node checks them across realms, see the file).
  testEnvironment: '<rootDir>/spec/node-realm-environment.js',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 60000,
  // tfjs + wasm initialisation is per worker; two workers match the 2-core machines.
  maxWorkers: 2,
};

// Unit specs sit beside the code; integration and e2e specs live under test/.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' } }];
const moduleNameMapper = { '^@radflow/(.*)$': '<rootDir>/libs/$1/src' };
const base = {
  // NestJS 12 and any-ascii ship ES modules only; Jest's CommonJS runtime needs them transformed.
  transform: { '^.+\\.(ts|js)$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|uid|load-esm|any-ascii)/)'],
  moduleNameMapper, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/bench/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.int-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/integration-timeout.ts'],
    },
  ],
};

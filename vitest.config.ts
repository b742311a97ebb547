import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // This run's own Redis and PostgreSQL on free loopback ports, and where nginx is (test/helpers/services.ts reads them).
    globalSetup: ['test/setup/services.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: keep parallel files modest so timing-sensitive integration tests stay calm.
    maxWorkers: 2,
    // The JSON report feeds .ci/summary.mjs, which prints the closing line CI reads.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
  },
});

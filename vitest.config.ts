import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'shared/**/*.test.ts',
      'electron/**/*.test.ts',
      'renderer/**/*.test.{ts,tsx}',
      'scripts/**/*.test.ts',
    ],
    environment: 'node',
    // GitHub's workflow parser imports its schema JSON without an import attribute, which Node
    // refuses; Vite transforms it instead.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: keep workers from starving the demo registry servers the tests start.
    maxWorkers: 2,
  },
})

import { defineConfig } from '@playwright/test'

// The Electron binary cannot be downloaded on CI, so the UI is driven in Debian's Chromium through
// the web bridge (see README). e2e/electron.spec.ts runs the real app where the binary exists.
export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  // CI also writes a JSON report, from which scripts/check-electron-e2e.ts checks that the
  // Electron spec ran wherever the binary exists.
  reporter: process.env.ELB_E2E_REPORT
    ? [['list'], ['json', { outputFile: process.env.ELB_E2E_REPORT }]]
    : [['list']],
  use: {
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
})

import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const noElectronOrAws = {
  patterns: [
    { group: ['electron', 'electron/*'], message: 'renderer/ and shared/ never import electron.' },
    { group: ['@aws-sdk/*', '@smithy/*'], message: 'AWS SDK objects stay in the main process.' },
    { group: ['node:*'], message: 'renderer/ and shared/ contain no Node code.' },
    { group: ['**/electron/*'], message: 'renderer/ and shared/ import nothing under electron/.' },
  ],
}
const sharedOnly = {
  patterns: [
    ...noElectronOrAws.patterns,
    {
      group: ['**/renderer/*', '**/e2e/*', '**/bench/*'],
      message: 'shared/ imports nothing outside shared/.',
    },
  ],
}

const ipcRendererOnlyInPreload = {
  name: 'electron',
  importNames: ['ipcRenderer', 'contextBridge'],
  message: 'Only electron/preload uses ipcRenderer and contextBridge.',
}
const corePatterns = [
  {
    group: ['electron', 'electron/*', 'electron-log', 'electron-log/*'],
    message: 'The core runs in plain Node: no Electron.',
  },
  {
    group: ['**/main', '**/main/*', '**/web', '**/web/*', '**/preload', '**/preload/*'],
    message:
      'The core imports neither the Electron shell, the web bridge nor the preload; they import the core.',
  },
  { group: ['**/renderer/*'], message: 'The core never imports the renderer.' },
]
// The app reaches the demo registry only through start() in demo-registry/index.ts; the rest
// (testing.ts with its fault injection, server.ts, samples) is for tests, e2e and benches.
const demoRegistryEntryOnly = {
  group: ['**/demo-registry/*', '**/demo-registry/*/**', '!**/demo-registry/index'],
  message:
    'The app uses the demo registry through its entry point (demo-registry/index) only; fault injection and the rest are for tests.',
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'release/',
      'test-results/',
      'playwright-report/',
      'eslint.config.js',
      '.tmp/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['electron/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts', '*.config.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    // Playwright fixtures must destructure their first argument, even when they use nothing.
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', noElectronOrAws],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', sharedOnly] },
  },
  {
    // Only the preload may talk to ipcRenderer; the shell reaches the demo registry by start().
    files: ['electron/main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [ipcRendererOnlyInPreload], patterns: [demoRegistryEntryOnly] },
      ],
    },
  },
  {
    // e2e fixtures may drive the demo registry's test surface, but never ipcRenderer.
    files: ['e2e/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [ipcRendererOnlyInPreload] }] },
  },
  {
    // The rooms (docs/ARCHITECTURE.md): the core runs in plain Node, hosted by the shell and by
    // the web bridge, so it imports neither Electron nor either host; it reaches the demo
    // registry only through the entry point, which cannot switch fault injection on.
    files: ['electron/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...corePatterns, demoRegistryEntryOnly] }],
    },
  },
  {
    // Tests and the test harness may cross into the demo registry (testing.ts: faults, logs,
    // samples); they still keep the core's other rules.
    files: ['electron/core/**/*.test.ts', 'electron/core/testing/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: corePatterns }] },
  },
  {
    // The web bridge hosts the core in Node, beside the Electron shell; it never needs Electron.
    files: ['electron/web/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*', 'electron-log', 'electron-log/*'],
              message: 'The web bridge runs in plain Node: no Electron.',
            },
            {
              group: ['**/main', '**/main/*', '**/preload', '**/preload/*'],
              message: 'The web bridge imports the core, never the Electron shell.',
            },
            demoRegistryEntryOnly,
          ],
        },
      ],
    },
  },
  {
    // The demo registry is a component of its own: an ECR emulator that knows nothing of the app.
    files: ['electron/demo-registry/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*', 'electron-log', 'electron-log/*'],
              message: 'The demo registry runs in plain Node: no Electron.',
            },
            {
              group: [
                '**/core',
                '**/core/*',
                '**/main',
                '**/main/*',
                '**/web',
                '**/web/*',
                '**/preload',
                '**/preload/*',
                '**/renderer/*',
              ],
              message:
                'The demo registry imports nothing of the app; the core uses its start() entry point.',
            },
            {
              group: ['**/shared/*', '**/shared/*/**', '!**/shared/digest', '!**/shared/amz-date'],
              message:
                "The demo registry shares only ECR's digest pattern and SigV4's date form (shared/digest, shared/amz-date) with the app.",
            },
          ],
        },
      ],
    },
  },
)

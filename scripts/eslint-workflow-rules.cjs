// Lint rules for Temporal workflow code, which runs in a deterministic sandbox: no Node built-ins (no
// I/O, clocks or randomness outside the SDK) and no floating promises (an unawaited activity or timer
// silently changes the workflow's behaviour).
const { builtinModules } = require('node:module');

const nodeBuiltins = [...builtinModules, ...builtinModules.map(name => `node:${name}`)];

function workflowFileOverride(packageDir, files, excludedFiles = []) {
  return {
    files,
    excludedFiles: ['**/*.test.ts', ...excludedFiles],
    parserOptions: { project: `${packageDir}/tsconfig.json`, tsconfigRootDir: packageDir },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map(name => ({ name, message: 'Workflow code is deterministic: do I/O in an activity.' })),
          patterns: [
            { group: ['@temporalio/activity', '@temporalio/worker', '@temporalio/client'], message: 'Workflows import only @temporalio/workflow and @temporalio/common.' },
          ],
        },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
    },
  };
}

module.exports = { workflowFileOverride };

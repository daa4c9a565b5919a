const { workflowFileOverride } = require('../../scripts/eslint-workflow-rules.cjs');

// Workflow code imports this package (phases, requests, schedules), so all of it follows the workflow rules.
module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [
    workflowFileOverride(__dirname, ['src/**/*.ts']),
    // The tests use the repo's node-only test helpers; nothing of them reaches the published package.
    { files: ['src/**/*.test.ts'], rules: { '@backstage/no-mixed-plugin-imports': 'off' } },
  ],
});

const { workflowFileOverride } = require('../../scripts/eslint-workflow-rules.cjs');

module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [workflowFileOverride(__dirname, ['src/**/workflows.ts', 'src/**/workflows/**/*.ts'])],
});

const { workflowFileOverride } = require('../../scripts/eslint-workflow-rules.cjs');

module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [workflowFileOverride(__dirname, ['src/__testUtils__/workflows.ts'])],
});

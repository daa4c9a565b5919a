const { workflowFileOverride } = require('../../scripts/eslint-workflow-rules.cjs');

// Everything here runs inside workflows.
module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [workflowFileOverride(__dirname, ['src/**/*.ts'])],
});

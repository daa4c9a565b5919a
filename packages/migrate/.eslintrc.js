const { workflowFileOverride } = require('../../scripts/eslint-workflow-rules.cjs');

// Everything here runs inside workflows, but the upgrade check, which a worker runs as an activity.
module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [workflowFileOverride(__dirname, ['src/**/*.ts'], ['src/upgradeCheck.ts'])],
});

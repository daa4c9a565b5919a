#!/usr/bin/env node
// The Diachronic worker from the built package, with the workflow bundle built beside it; configured by
// the environment (see the README).
const { join } = require('node:path');

require('../dist/index.cjs.js').runWorkerFromEnv({ defaultWorkflowBundle: join(__dirname, '..', 'dist', 'workflow-bundle.js') });

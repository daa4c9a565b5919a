#!/usr/bin/env node
// The Diachronic worker from the built package, with its prebuilt workflow bundle; configured by the
// environment (see the README).
require('../dist/index.cjs.js').runWorkerFromEnv();

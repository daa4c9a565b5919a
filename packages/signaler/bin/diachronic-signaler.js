#!/usr/bin/env node
// The signaler's HTTP service from the built package; configured by the environment (see the README).
require('../dist/http.cjs.js').runSignalerFromEnv();

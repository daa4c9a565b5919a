#!/usr/bin/env node
// The built package runs dist/; in the repository (no dist yet) the TypeScript source runs through
// Backstage's Node transform.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'index.cjs.js');
if (!existsSync(built)) require('@backstage/cli/config/nodeTransform.cjs');

require(existsSync(built) ? built : '../src/index.ts')
  .main(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr })
  .then(code => {
    process.exitCode = code;
  });

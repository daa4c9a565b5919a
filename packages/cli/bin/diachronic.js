#!/usr/bin/env node
// The installed package runs dist/. In the repository (src/ is there) the TypeScript source runs through
// Backstage's Node transform, so the bin never runs a stale build.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const fromSource = existsSync(join(__dirname, '..', 'src'));
if (fromSource) require('@backstage/cli/config/nodeTransform.cjs');

const { main } = require(fromSource ? '../src/index.ts' : '../dist/index.cjs.js');

// Ctrl-C ends a watch with 0; any other command stops waiting for the backend.
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());

main(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr, signal: interrupt.signal }).then(
  code => {
    process.exitCode = code;
  },
);

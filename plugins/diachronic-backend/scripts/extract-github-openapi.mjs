// Extracts, from GitHub's published OpenAPI description (the npm package @octokit/openapi, which GitHub
// generates from its REST API description), the one operation Diachronic calls: creating a deployment
// status. The GitHub statuses test validates every request against it (no internet in CI).
//
//   npm pack @octokit/openapi@<version> && tar xzf octokit-openapi-*.tgz
//   node plugins/diachronic-backend/scripts/extract-github-openapi.mjs package
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [packageDir] = process.argv.slice(2);
if (!packageDir) throw new Error('usage: extract-github-openapi.mjs <the unpacked @octokit/openapi package>');
const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const spec = JSON.parse(readFileSync(join(packageDir, 'generated', 'api.github.com.deref.json'), 'utf8'));
const path = '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses';
const { operationId, parameters, requestBody } = spec.paths[path].post;
const out = new URL('../src/services/github/__fixtures__/create-deployment-status.openapi.json', import.meta.url);
writeFileSync(
  out,
  `${JSON.stringify({ source: `@octokit/openapi@${version} generated/api.github.com.deref.json`, openapi: spec.openapi, path, method: 'post', operationId, parameters, requestBody }, null, 2)}\n`,
);
console.log(`wrote ${out.pathname}`);

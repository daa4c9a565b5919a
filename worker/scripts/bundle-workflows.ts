/** Builds the workflow bundle the worker loads in production (DIACHRONIC_WORKFLOW_BUNDLE). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

async function main() {
  const { code } = await bundleWorkflowCode({ workflowsPath: resolve(__dirname, '..', 'src', 'workflows') });
  const out = resolve(__dirname, '..', 'dist', 'workflow-bundle.js');
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(out, code);
  // eslint-disable-next-line no-console
  console.log(`wrote ${out} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});

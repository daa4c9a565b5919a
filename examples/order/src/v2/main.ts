/** The v2 order worker: `ORDER_VERSION_ID` (default 0000002) picks its task queue `order@<versionId>`. */
import { runOrderWorker } from '../worker';
import { upgradeOrderState } from './upgrade';

runOrderWorker(require.resolve('./workflows'), '0000002', { order: upgradeOrderState }).catch(error => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});

/** The v1 order worker: `ORDER_VERSION_ID` (default 0000001) picks its task queue `order@<versionId>`. */
import { runOrderWorker } from '../worker';

runOrderWorker(require.resolve('./workflows'), '0000001').catch(error => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});

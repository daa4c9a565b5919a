/**
 * The contract's names, for these ESM test files. The workspace package is TypeScript source whose index
 * re-exports with `export *`, which Node's ESM import of the compiled CommonJS cannot see by name; require can.
 */
import { createRequire } from 'node:module';

const contract: typeof import('@diachronic/contract') = createRequire(import.meta.url)('@diachronic/contract');

export const { familyGroupId, versionTaskQueue, VERSION_LABEL, WORKFLOW_LABEL } = contract;

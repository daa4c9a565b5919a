/**
 * The upgrade dry run, on the side of the version that receives migrated workflows: register
 * `upgradeCheckActivities({ order: upgradeOrderState })` with the version's worker, and before Diachronic
 * tells any old workflow to migrate, this worker (the new build) reads the states a sample of old runs
 * would carry and runs its own upgrade functions on them, without migrating anything. Not workflow code:
 * it runs in the worker's activities, with the worker's Temporal client.
 */
import { Context } from '@temporalio/activity';
import {
  MigrationInfo,
  migrationPreviewQuery,
  UPGRADE_CHECK_ACTIVITY,
  UPGRADE_CHECK_EXAMPLES,
  UpgradeCheckFailure,
  UpgradeCheckInput,
  UpgradeCheckResult,
} from './contract';

/** An upgrade as `receiveMigratedState` takes it: the old run's state in, this version's state out. */
export type UpgradeFunction = (old: never, migration: MigrationInfo) => unknown;

/** How long the check waits for one old run's answer (its own worker answers the query). */
const PREVIEW_TIMEOUT_MS = 10_000;
const ERROR_CHARS = 500;
const SHAPE_CHARS = 400;
const SHAPE_DEPTH = 4;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The structure of a value without its contents, for a failure report that must not carry a workflow's
 * data: `{ orderId: string, items: [2 × { sku: string }], paymentRef: null }`.
 */
export function describeShape(value: unknown, maxChars = SHAPE_CHARS): string {
  const shape = (item: unknown, depth: number): string => {
    if (item === null) return 'null';
    if (Array.isArray(item)) {
      if (item.length === 0) return '[]';
      return depth >= SHAPE_DEPTH ? `[${item.length} × …]` : `[${item.length} × ${shape(item[0], depth + 1)}]`;
    }
    if (typeof item === 'object') {
      const keys = Object.keys(item);
      if (keys.length === 0) return '{}';
      if (depth >= SHAPE_DEPTH) return '{…}';
      const record = item as Record<string, unknown>;
      return `{ ${keys.map(key => `${key}: ${shape(record[key], depth + 1)}`).join(', ')} }`;
    }
    return typeof item;
  };
  return cut(shape(value, 0), maxChars);
}

function errorText(error: unknown): string {
  if (error instanceof Error) return cut(`${error.name}: ${error.message}`, ERROR_CHARS);
  return cut(`thrown: ${String(error)}`, ERROR_CHARS);
}

/**
 * The activity that runs this version's upgrade functions, keyed by the workflow type that receives the
 * state, on the states old runs would carry now. Upgrades run outside the workflow sandbox here, so they
 * must be pure functions of their arguments (as a state upgrade should be anyway).
 */
export function upgradeCheckActivities(upgrades: Record<string, UpgradeFunction>) {
  return {
    async [UPGRADE_CHECK_ACTIVITY]({ toVersionId, workflows }: UpgradeCheckInput): Promise<UpgradeCheckResult> {
      const context = Context.current();
      const { client } = context;
      const result: UpgradeCheckResult = { passed: 0, failed: 0, failures: [], unchecked: 0, notChecked: [] };
      const uncheckable = (workflowId: string, runId: string, reason: string) => {
        result.unchecked += 1;
        if (result.notChecked.length < UPGRADE_CHECK_EXAMPLES) result.notChecked.push({ workflowId, runId, reason });
      };
      for (const { workflowId, runId } of workflows) {
        context.heartbeat();
        let preview;
        try {
          preview = await client.withDeadline(Date.now() + PREVIEW_TIMEOUT_MS, () =>
            client.workflow.getHandle(workflowId, runId).query(migrationPreviewQuery, toVersionId),
          );
        } catch (error) {
          uncheckable(workflowId, runId, `no answer to ${migrationPreviewQuery.name}: ${errorText(error)}`);
          continue;
        }
        const upgrade = Object.hasOwn(upgrades, preview.workflowType) ? upgrades[preview.workflowType] : undefined;
        if (!upgrade) {
          uncheckable(workflowId, runId, `this worker has no upgrade check for workflow type ${preview.workflowType}`);
          continue;
        }
        try {
          upgrade(preview.envelope.state as never, preview.envelope.diachronic);
          result.passed += 1;
        } catch (error) {
          result.failed += 1;
          if (result.failures.length >= UPGRADE_CHECK_EXAMPLES) continue;
          const failure: UpgradeCheckFailure = {
            workflowId,
            runId,
            workflowType: preview.workflowType,
            error: errorText(error),
            stateShape: describeShape(preview.envelope.state),
          };
          result.failures.push(failure);
        }
      }
      return result;
    },
  };
}

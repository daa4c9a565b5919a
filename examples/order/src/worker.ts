/**
 * Runs one version of the order workflow: a worker on that version's task queue. Configuration from
 * the environment (see README.md).
 */
import { DefaultLogger, LogLevel, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { upgradeCheckActivities, UpgradeFunction } from '@diachronic/migrate/upgrade-check';
import { createOrderActivities } from './activities';
import { orderTaskQueue } from './contract';

const LOG_LEVELS: LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

export interface OrderWorkerConfig {
  address: string;
  namespace: string;
  family: string;
  versionId: string;
  chargeCardMs: number;
  declineCards: boolean;
  logLevel: LogLevel;
}

export function orderWorkerConfigFromEnv(env: NodeJS.ProcessEnv, defaultVersionId: string): OrderWorkerConfig {
  const logLevel = (env.ORDER_LOG_LEVEL ?? 'WARN').toUpperCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(`ORDER_LOG_LEVEL=${env.ORDER_LOG_LEVEL}: expected one of ${LOG_LEVELS.join(', ')}`);
  }
  const chargeCardMs = Number(env.ORDER_CHARGE_CARD_MS ?? 1000);
  if (!Number.isFinite(chargeCardMs) || chargeCardMs < 0) {
    throw new Error(`ORDER_CHARGE_CARD_MS=${env.ORDER_CHARGE_CARD_MS}: expected milliseconds`);
  }
  return {
    address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    family: env.ORDER_FAMILY ?? 'order',
    versionId: env.ORDER_VERSION_ID ?? defaultVersionId,
    chargeCardMs,
    declineCards: env.ORDER_DECLINE_CARDS === '1',
    logLevel,
  };
}

/**
 * Polls until SIGINT or SIGTERM, then lets running tasks finish and returns. `upgrades` are the version's
 * state upgrades by workflow type, offered to Diachronic's upgrade dry run.
 */
export async function runOrderWorker(
  workflowsPath: string,
  defaultVersionId: string,
  upgrades: Record<string, UpgradeFunction> = {},
): Promise<void> {
  const config = orderWorkerConfigFromEnv(process.env, defaultVersionId);
  Runtime.install({ logger: new DefaultLogger(config.logLevel) });
  const connection = await NativeConnection.connect({ address: config.address });
  try {
    const taskQueue = orderTaskQueue(config.family, config.versionId);
    const worker = await Worker.create({
      connection,
      namespace: config.namespace,
      taskQueue,
      workflowsPath,
      activities: {
        ...createOrderActivities({ chargeCardMs: config.chargeCardMs, declineCards: config.declineCards }),
        ...upgradeCheckActivities(upgrades),
      },
    });
    process.stdout.write(`order worker polling ${taskQueue} in namespace ${config.namespace}\n`);
    // The SDK's default shutdown signals include SIGINT and SIGTERM; run() resolves once drained.
    await worker.run();
  } finally {
    await connection.close();
  }
}

import { Client, Connection, ConnectionOptions } from '@temporalio/client';
import { closedConnectionGuard } from '@diachronic/temporal-connection';
import { DiachronicConfig } from '../config';

export interface TemporalAccess {
  client: Client;
  /** The task queue the Diachronic worker polls, named in errors when it does not answer. */
  taskQueue: string;
  /** How long a workflow must have failed its workflow tasks to be reported as stuck. */
  stuckAfterMs: number;
  /** The namespace's page in Temporal's web UI, when configured. */
  namespaceUiUrl?: string;
  /** Runs a call that waits for the Diachronic worker (query, update) with the configured deadline. */
  withWorkerDeadline<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

function connectionOptions({ temporal }: DiachronicConfig): ConnectionOptions {
  const pem = (text?: string) => (text ? Buffer.from(text) : undefined);
  const { tls } = temporal;
  return {
    address: temporal.address,
    apiKey: temporal.apiKey,
    tls: tls
      ? {
          clientCertPair: tls.cert && tls.key ? { crt: pem(tls.cert)!, key: pem(tls.key)! } : undefined,
          serverRootCACertificate: pem(tls.ca),
          serverNameOverride: tls.serverName,
        }
      : !!temporal.apiKey,
  };
}

/**
 * A Temporal client on a lazy connection: the backend starts even when Temporal is down, and requests
 * fail with Temporal's error until it is back.
 */
export function createTemporalAccess(config: DiachronicConfig): TemporalAccess {
  const connection = Connection.lazy({ ...connectionOptions(config), plugins: [closedConnectionGuard] });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  return {
    client,
    taskQueue: config.temporal.taskQueue,
    stuckAfterMs: config.temporal.stuckAfterMs,
    ...(config.temporal.uiUrl && {
      namespaceUiUrl: `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}`,
    }),
    withWorkerDeadline: fn => connection.withDeadline(Date.now() + config.temporal.workerTimeoutMs, fn),
    close: () => connection.close(),
  };
}

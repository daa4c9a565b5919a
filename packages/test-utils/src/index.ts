/** Helpers for integration tests against the real services that `npm test` starts. */
import { Connection } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { closedConnectionGuard } from '@diachronic/temporal-connection';

export interface TestServices {
  temporalAddress: string;
  unleashUrl: string;
  unleashAdminToken: string;
  unleashClientToken: string;
  kubeconfig?: string;
}

/** The services' connection settings, set by `npm test` (scripts/test.mjs); a clear error when absent. */
export function testServices(): TestServices {
  const missing = ['TEMPORAL_ADDRESS', 'UNLEASH_URL', 'UNLEASH_ADMIN_TOKEN', 'UNLEASH_CLIENT_TOKEN'].filter(
    name => !process.env[name],
  );
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} not set: run the tests with \`npm test\`, or start the services with ` +
        '`npm run services` and `set -a; . .state/services.env; set +a`',
    );
  }
  return {
    temporalAddress: process.env.TEMPORAL_ADDRESS!,
    unleashUrl: process.env.UNLEASH_URL!,
    unleashAdminToken: process.env.UNLEASH_ADMIN_TOKEN!,
    unleashClientToken: process.env.UNLEASH_CLIENT_TOKEN!,
    kubeconfig: process.env.KUBECONFIG,
  };
}

/**
 * A client connection to the test Temporal server, as the production code connects: safe to close while a
 * call is in flight (a test's teardown must not crash a later suite of the same Jest process).
 */
export function connectTemporal(services: TestServices): Promise<Connection> {
  return Connection.connect({ address: services.temporalAddress, plugins: [closedConnectionGuard] });
}

/**
 * A Diachronic worker's settings for the tests (a `WorkerConfig` of @diachronic/ci): the test services, a task
 * queue and a Kubernetes namespace of the test's own, and flags refreshed every 250 ms so that routing
 * follows a change at once.
 */
export function testWorkerConfig(
  services: TestServices,
  { taskQueue, kubeNamespace }: { taskQueue: string; kubeNamespace: string },
) {
  return {
    temporal: { connection: { address: services.temporalAddress }, namespace: 'default', taskQueue },
    unleash: {
      url: services.unleashUrl,
      adminToken: services.unleashAdminToken,
      clientToken: services.unleashClientToken,
      project: 'default',
      environment: 'development',
      refreshIntervalMs: 250,
    },
    kubernetes: { namespace: kubeNamespace },
  };
}

let familyCounter = 0;
/**
 * A family name no other test run uses (time, process, counter), with a dot and a dash as real families
 * may have. `prefix` tells the workspace that made it apart when reading the shared servers.
 */
export function uniqueFamily(prefix: string, base = 'order'): string {
  familyCounter += 1;
  return `${prefix}${Date.now().toString(36)}${process.pid.toString(36)}.${base}-${familyCounter}`;
}

let versionCounter = 0;
/** A version id (12 hex digits) no other test run uses. */
export function uniqueVersionId(): string {
  versionCounter += 1;
  return `${Date.now().toString(16)}${versionCounter.toString(16).padStart(4, '0')}`.slice(-12).padStart(12, 'a');
}

/** Polls `probe` until it gives a value other than undefined or false; names what it waited for on timeout. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 60_000, intervalMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise(wake => setTimeout(wake, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
}

/** Terminates every running workflow the visibility query finds, so tests leave the shared server clean. */
export async function terminateRunning(client: Client, query: string, reason = 'test done'): Promise<void> {
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query: `(${query}) AND ExecutionStatus = "Running"` })) {
    ids.push(execution.workflowId);
  }
  let next = 0;
  const terminateNext = async () => {
    while (next < ids.length) {
      await client.workflow
        .getHandle(ids[next++])
        .terminate(reason)
        .catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: 32 }, terminateNext));
}

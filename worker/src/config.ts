/** The worker's configuration, from the environment. Secrets are read here and never logged. */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { DIACHRONIC_TASK_QUEUE } from '@diachronic/contract';

export interface WorkerConfig {
  temporal: {
    /** Address, TLS, API key and gRPC metadata: what both the client and the worker connect with. */
    connection: Pick<NativeConnectionOptions, 'address' | 'tls' | 'apiKey' | 'metadata'>;
    namespace: string;
    taskQueue: string;
  };
  unleash: {
    url: string;
    adminToken: string;
    clientToken: string;
    project: string;
    environment: string;
    /** How often the routing client refreshes flags (the migration routes with it). */
    refreshIntervalMs?: number;
  };
  kubernetes: { namespace: string };
  /** Signs the health gate's webhook requests (DIACHRONIC_GATE_WEBHOOK_SECRET). */
  gateWebhookSecret?: string;
  /** Where the prebuilt workflow bundle is; absent in development, where workflows are bundled at start. */
  workflowBundlePath?: string;
  /** Workflows kept in the worker's cache (DIACHRONIC_MAX_CACHED_WORKFLOWS); absent: the SDK's default, from the heap size. */
  maxCachedWorkflows?: number;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set (see the @diachronic/ci README for the worker's configuration)`);
  return value;
}

function optionalPositiveInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (!text) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name}=${text} is not a positive whole number`);
  return value;
}

/**
 * Temporal's connection comes from Temporal's own environment configuration, as its CLI and SDKs read it:
 * `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS_*`, or a profile
 * (`TEMPORAL_PROFILE`) of a `temporal.toml` (`TEMPORAL_CONFIG_FILE`, default in the user's config folder).
 */
export function workerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const { connectionOptions, namespace } = loadClientConnectConfig({
    profile: env.TEMPORAL_PROFILE || undefined,
    overrideEnvVars: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
  });
  return {
    temporal: {
      connection: { ...connectionOptions, address: connectionOptions.address ?? '127.0.0.1:7233' },
      namespace: namespace ?? 'default',
      taskQueue: env.DIACHRONIC_TASK_QUEUE || DIACHRONIC_TASK_QUEUE,
    },
    unleash: {
      url: required(env, 'UNLEASH_URL'),
      adminToken: required(env, 'UNLEASH_ADMIN_TOKEN'),
      clientToken: required(env, 'UNLEASH_CLIENT_TOKEN'),
      project: env.UNLEASH_PROJECT || 'default',
      environment: env.UNLEASH_ENVIRONMENT || 'development',
      refreshIntervalMs: optionalPositiveInteger(env, 'DIACHRONIC_ROUTER_REFRESH_MS'),
    },
    kubernetes: { namespace: env.DIACHRONIC_KUBE_NAMESPACE || 'diachronic' },
    gateWebhookSecret: env.DIACHRONIC_GATE_WEBHOOK_SECRET || undefined,
    workflowBundlePath: env.DIACHRONIC_WORKFLOW_BUNDLE || undefined,
    maxCachedWorkflows: optionalPositiveInteger(env, 'DIACHRONIC_MAX_CACHED_WORKFLOWS'),
  };
}

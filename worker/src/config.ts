/** The worker's configuration, from the environment. Secrets are read here and never logged. */
import { readFileSync } from 'node:fs';

export interface WorkerConfig {
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    /** Temporal Cloud: API key, or mTLS client certificate and key. */
    apiKey?: string;
    tls?: { clientCertPath?: string; clientKeyPath?: string; serverRootCaPath?: string };
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
  /** Where the prebuilt workflow bundle is; absent in development, where workflows are bundled at start. */
  workflowBundlePath?: string;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set (see worker/README.md for the worker's configuration)`);
  return value;
}

export function workerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const tlsWanted = env.TEMPORAL_TLS_CERT || env.TEMPORAL_TLS_KEY || env.TEMPORAL_TLS_CA;
  return {
    temporal: {
      address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      namespace: env.TEMPORAL_NAMESPACE ?? 'default',
      taskQueue: env.DIACHRONIC_TASK_QUEUE ?? 'diachronic-ci',
      apiKey: env.TEMPORAL_API_KEY || undefined,
      tls: tlsWanted
        ? { clientCertPath: env.TEMPORAL_TLS_CERT, clientKeyPath: env.TEMPORAL_TLS_KEY, serverRootCaPath: env.TEMPORAL_TLS_CA }
        : undefined,
    },
    unleash: {
      url: required(env, 'UNLEASH_URL'),
      adminToken: required(env, 'UNLEASH_ADMIN_TOKEN'),
      clientToken: required(env, 'UNLEASH_CLIENT_TOKEN'),
      project: env.UNLEASH_PROJECT ?? 'default',
      environment: env.UNLEASH_ENVIRONMENT ?? 'development',
      refreshIntervalMs: env.DIACHRONIC_ROUTER_REFRESH_MS ? Number(env.DIACHRONIC_ROUTER_REFRESH_MS) : undefined,
    },
    kubernetes: { namespace: env.DIACHRONIC_KUBE_NAMESPACE ?? 'diachronic' },
    workflowBundlePath: env.DIACHRONIC_WORKFLOW_BUNDLE || undefined,
  };
}

/** Connection options shared by the client and the worker's native connection. */
export function temporalConnectionOptions({ temporal }: WorkerConfig) {
  const read = (path?: string) => (path ? readFileSync(path) : undefined);
  if (!temporal.tls) {
    // An API key (Temporal Cloud) always goes over TLS.
    return { address: temporal.address, tls: temporal.apiKey ? true : undefined, apiKey: temporal.apiKey };
  }
  const { clientCertPath, clientKeyPath, serverRootCaPath } = temporal.tls;
  const tls = {
    clientCertPair:
      clientCertPath && clientKeyPath ? { crt: read(clientCertPath)!, key: read(clientKeyPath)! } : undefined,
    serverRootCACertificate: read(serverRootCaPath),
  };
  return { address: temporal.address, tls, apiKey: temporal.apiKey };
}

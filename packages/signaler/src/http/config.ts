import type { ConnectionOptions } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { assertFamily } from '@diachronic/contract';
import { ManagedWorkflowTypes } from '../interceptor';
import { DEFAULT_BODY_LIMIT } from './app';

export interface SignalerConfig {
  temporal: { connection: Pick<ConnectionOptions, 'address' | 'tls' | 'apiKey' | 'metadata'>; namespace: string };
  /** The client token is a secret: never log it. */
  unleash: { url: string; clientToken: string; refreshIntervalMs: number };
  families: ManagedWorkflowTypes;
  port: number;
  host: string;
  bodyLimit: string;
  updateTimeoutMs: number;
  /** How long shutdown waits for requests in flight before it closes their connections. */
  drainTimeoutMs: number;
}

/** `order=order,payment=payment`: workflow type = family, comma-separated. */
export function parseFamilies(value: string): ManagedWorkflowTypes {
  const families: Record<string, string> = {};
  for (const entry of value.split(',').map(e => e.trim()).filter(Boolean)) {
    const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(entry);
    if (!match) throw new Error(`DIACHRONIC_FAMILIES: expected workflowType=family, got ${JSON.stringify(entry)}`);
    const [, workflowType, family] = match;
    assertFamily(family);
    if (Object.hasOwn(families, workflowType)) {
      throw new Error(`DIACHRONIC_FAMILIES: workflow type ${workflowType} is listed twice`);
    }
    families[workflowType] = family;
  }
  if (Object.keys(families).length === 0) throw new Error('DIACHRONIC_FAMILIES: no workflow type listed');
  return families;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name}: expected a positive integer, got ${raw}`);
  return value;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name}: expected a port number, got ${raw}`);
  return value;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/**
 * The standalone service's settings, from the environment (see the README for each variable). Temporal's
 * connection is read as Temporal's CLI and SDKs read it: `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`,
 * `TEMPORAL_API_KEY`, `TEMPORAL_TLS_*`, or a `TEMPORAL_PROFILE` of a `temporal.toml`.
 */
export function readSignalerConfig(env: NodeJS.ProcessEnv): SignalerConfig {
  const { connectionOptions, namespace } = loadClientConnectConfig({
    profile: env.TEMPORAL_PROFILE || undefined,
    overrideEnvVars: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
  });
  if (!connectionOptions.address) throw new Error('TEMPORAL_ADDRESS is not set (nor an address in a TEMPORAL_PROFILE)');
  return {
    temporal: { connection: connectionOptions, namespace: namespace ?? 'default' },
    unleash: {
      url: required(env, 'UNLEASH_URL'),
      clientToken: required(env, 'UNLEASH_CLIENT_TOKEN'),
      refreshIntervalMs: positiveInteger(env, 'SIGNALER_REFRESH_INTERVAL_MS', 15_000),
    },
    families: parseFamilies(required(env, 'DIACHRONIC_FAMILIES')),
    port: port(env, 'SIGNALER_PORT', 8088),
    host: env.SIGNALER_HOST || '127.0.0.1',
    bodyLimit: env.SIGNALER_BODY_LIMIT || DEFAULT_BODY_LIMIT,
    updateTimeoutMs: positiveInteger(env, 'SIGNALER_UPDATE_TIMEOUT_MS', 60_000),
    drainTimeoutMs: positiveInteger(env, 'SIGNALER_DRAIN_TIMEOUT_MS', 10_000),
  };
}

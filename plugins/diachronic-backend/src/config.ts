import { Config } from '@backstage/config';
import { DIACHRONIC_TASK_QUEUE, describeIssues, familySchema } from '@diachronic/contract';
import { DeploymentPolicy, deploymentPolicySchema } from './services/deploymentPolicy';
import type { NotificationSettings } from './services/notifications/DeploymentNotifier';
import { NoticeKind, noticeKinds } from './services/notifications/notices';

/** The plugin's configuration (`diachronic.*`, declared in config.d.ts), read once at start. */
export interface DiachronicConfig {
  temporal: {
    address: string;
    namespace: string;
    /** The queue the Diachronic worker polls: family workflows are started there. */
    taskQueue: string;
    apiKey?: string;
    tls?: { cert?: string; key?: string; ca?: string; serverName?: string };
    /** How long a query, control or deployment request may wait for the Diachronic worker before failing with 503. */
    workerTimeoutMs: number;
    /** Temporal's web UI, for links to workflows (e.g. `http://localhost:8233`). */
    uiUrl?: string;
    /** A deployment's workflow failing its workflow tasks this long is reported as stuck. */
    stuckAfterMs: number;
  };
  /** Read only: a backend (client) token, whose environment is the one that routes. */
  unleash: {
    url: string;
    clientToken: string;
    /** The flags' project in Unleash's admin UI as browsers reach it (`uiUrl` and `project`), for links. */
    projectUiUrl?: string;
  };
  github: { webhookSecret?: string; environments?: string[] };
  /** Options every deployment gets unless its family's policy or its request says otherwise. */
  deploymentDefaults: DeploymentPolicy;
  /** Per family, what differs from the defaults (`diachronic.families`). */
  families: ReadonlyMap<string, DeploymentPolicy>;
  /** Push deployments' changes to browsers through Backstage signals (`diachronic.liveUpdates`, default on). */
  liveUpdates: boolean;
  /** What each family's owners are told of, and where (`diachronic.notifications`). */
  notificationsFor: (family: string) => NotificationSettings;
}

const DEFAULTS_KEY = 'diachronic.deploymentDefaults';
const FAMILIES_KEY = 'diachronic.families';

/** A policy checked at start: a bad value fails the backend's start with the key path and the problem. */
function readPolicy(value: unknown, key: string): DeploymentPolicy {
  const parsed = deploymentPolicySchema.safeParse(value ?? {});
  if (!parsed.success) throw new Error(`Invalid config: ${describeIssues(parsed.error, key)}`);
  return parsed.data;
}

/** `diachronic.families`: a list of `{ family, ...policy }` (a list, as family names may hold dots). */
function readFamilies(root: Config): Map<string, DeploymentPolicy> {
  const families = new Map<string, DeploymentPolicy>();
  (root.getOptionalConfigArray(FAMILIES_KEY) ?? []).forEach((entry, i) => {
    const { family, ...policy } = entry.get<Record<string, unknown>>();
    const name = familySchema.safeParse(family);
    if (!name.success) throw new Error(`Invalid config: ${describeIssues(name.error, `${FAMILIES_KEY}[${i}].family`)}`);
    if (families.has(name.data)) throw new Error(`Invalid config: ${FAMILIES_KEY}[${i}].family: ${name.data} is configured twice`);
    families.set(name.data, readPolicy(policy, `${FAMILIES_KEY}[${i}]`));
  });
  return families;
}

/** A web UI's http(s) URL, without a trailing slash; a bad one fails the backend's start naming the key. */
function readUiUrl(text: string | undefined, key: string): string | undefined {
  if (!text) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(`${key}: must be an http or https URL, got ${JSON.stringify(text)}`);
  }
  // The URL goes to browsers: it may not carry a user or password.
  if (url.username || url.password) throw new Error(`${key}: must not hold credentials`);
  return url.href.replace(/\/+$/, '');
}

/** `diachronic.unleash.uiUrl` and `project`: the page of the project that holds the version flags. */
function readUnleashProjectUiUrl(unleash: Config): string | undefined {
  const uiUrl = readUiUrl(unleash.getOptionalString('uiUrl'), 'diachronic.unleash.uiUrl');
  const project = unleash.getOptionalString('project') || 'default';
  return uiUrl && `${uiUrl}/projects/${encodeURIComponent(project)}`;
}

function readNoticeKinds(config: Config | undefined, key: string): NoticeKind[] | undefined {
  const kinds = config?.getOptionalStringArray('events');
  const unknown = kinds?.filter(kind => !(noticeKinds as readonly string[]).includes(kind));
  if (unknown?.length) {
    throw new Error(`Invalid config: ${key}.events: unknown ${unknown.map(kind => JSON.stringify(kind)).join(', ')}; the events are ${noticeKinds.join(', ')}`);
  }
  return kinds as NoticeKind[] | undefined;
}

function readWebhookUrl(config: Config | undefined, key: string): string | undefined {
  const text = config?.getOptionalString('webhookUrl');
  if (!text) return undefined;
  if (!/^https?:\/\//.test(text) || !URL.canParse(text)) throw new Error(`Invalid config: ${key}.webhookUrl: must be an http or https URL`);
  return text;
}

/** `diachronic.notifications`: events and webhook for all families, and per family what differs. */
function readNotifications(config: Config | undefined): (family: string) => NotificationSettings {
  const key = 'diachronic.notifications';
  const all: NotificationSettings = {
    events: readNoticeKinds(config, key) ?? noticeKinds,
    webhookUrl: readWebhookUrl(config, key),
  };
  const perFamily = new Map<string, NotificationSettings>();
  (config?.getOptionalConfigArray('families') ?? []).forEach((entry, i) => {
    const at = `${key}.families[${i}]`;
    perFamily.set(entry.getString('family'), {
      events: readNoticeKinds(entry, at) ?? all.events,
      webhookUrl: readWebhookUrl(entry, at) ?? all.webhookUrl,
    });
  });
  return family => perFamily.get(family) ?? all;
}

export function readDiachronicConfig(root: Config): DiachronicConfig {
  const config = root.getOptionalConfig('diachronic');
  const temporal = config?.getOptionalConfig('temporal');
  const tls = temporal?.getOptionalConfig('tls');
  const unleash = root.getConfig('diachronic.unleash');
  const github = config?.getOptionalConfig('github');
  return {
    temporal: {
      address: temporal?.getOptionalString('address') ?? '127.0.0.1:7233',
      namespace: temporal?.getOptionalString('namespace') ?? 'default',
      taskQueue: temporal?.getOptionalString('taskQueue') ?? DIACHRONIC_TASK_QUEUE,
      apiKey: temporal?.getOptionalString('apiKey') || undefined,
      tls: tls && {
        cert: tls.getOptionalString('cert'),
        key: tls.getOptionalString('key'),
        ca: tls.getOptionalString('ca'),
        serverName: tls.getOptionalString('serverName'),
      },
      workerTimeoutMs: temporal?.getOptionalNumber('workerTimeoutMs') ?? 10_000,
      stuckAfterMs: temporal?.getOptionalNumber('stuckAfterMs') ?? 120_000,
      uiUrl: readUiUrl(temporal?.getOptionalString('uiUrl'), 'diachronic.temporal.uiUrl'),
    },
    unleash: {
      url: unleash.getString('url'),
      clientToken: unleash.getString('clientToken'),
      projectUiUrl: readUnleashProjectUiUrl(unleash),
    },
    github: {
      webhookSecret: github?.getOptionalString('webhookSecret') || undefined,
      environments: github?.getOptionalStringArray('environments'),
    },
    deploymentDefaults: readPolicy(root.getOptional(DEFAULTS_KEY), DEFAULTS_KEY),
    families: readFamilies(root),
    liveUpdates: config?.getOptionalBoolean('liveUpdates') ?? true,
    notificationsFor: readNotifications(config?.getOptionalConfig('notifications')),
  };
}

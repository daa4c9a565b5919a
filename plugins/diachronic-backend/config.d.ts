export interface Config {
  /** Diachronic CI: progressive delivery of Temporal workflow workers. */
  diachronic?: {
    temporal?: {
      /** Temporal frontend, `host:port`. Default `127.0.0.1:7233`. */
      address?: string;
      /** Default `default`. */
      namespace?: string;
      /** The task queue the Diachronic worker polls. Default `diachronic-ci`. */
      taskQueue?: string;
      /**
       * Temporal Cloud API key (implies TLS).
       * @visibility secret
       */
      apiKey?: string;
      /** TLS to the Temporal frontend; present (even empty) turns TLS on. Values are PEM text (use `$file`). */
      tls?: {
        /** Client certificate for mTLS. */
        cert?: string;
        /**
         * Client private key for mTLS.
         * @visibility secret
         */
        key?: string;
        /** CA that signed the server's certificate, when not a public one. */
        ca?: string;
        /** Overrides the server name checked against the certificate. */
        serverName?: string;
      };
      /**
       * How long a query, control or deployment request may wait for the Diachronic worker to answer,
       * in milliseconds, before the request fails with 503. Default 10000.
       */
      workerTimeoutMs?: number;
      /**
       * A deployment's workflow (its own, its rollout or migration) that has failed its workflow tasks
       * this long, in milliseconds, is shown as stuck in the API and the Rollout tab. Default 120000.
       */
      stuckAfterMs?: number;
      /** Temporal's web UI (e.g. `http://localhost:8233`): the Rollout tab links workflows there. Optional. */
      uiUrl?: string;
    };
    /**
     * Unleash, where every version's flag lives. The backend only reads the flags, as Unleash serves them to
     * clients; the Diachronic worker makes every change.
     */
    unleash: {
      /** e.g. `http://unleash:4242`. */
      url: string;
      /**
       * A backend (client) token of the environment that routes: read only.
       * @visibility secret
       */
      clientToken: string;
      /**
       * Unleash's admin UI as browsers reach it (e.g. `https://unleash.example.com`), when not `url`: the
       * Rollout tab links each version's flag there. Optional: without it, no link.
       */
      uiUrl?: string;
      /** The Unleash project that holds the version flags (the worker's `UNLEASH_PROJECT`), for the links. Default `default`. */
      project?: string;
    };
    github?: {
      /**
       * Secret of the GitHub webhook that sends `deployment_status` events to
       * `/api/diachronic/webhooks/github`. Without it, the webhook answers 503.
       * @visibility secret
       */
      webhookSecret?: string;
      /** Only successful deployments to these GitHub environments start a Diachronic deployment. Default: all. */
      environments?: string[];
    };
    /** Options for deployments whose family's policy and request do not set them. */
    deploymentDefaults?: DeploymentPolicyConfig;
    /**
     * Per family, the options that differ from `deploymentDefaults` (a request may still change them).
     * A list, as family names may hold dots.
     */
    families?: Array<
      DeploymentPolicyConfig & {
        /** The family's name, as in the `diachronic.dev/workflows` annotation. */
        family: string;
      }
    >;
    /**
     * Push each deployment's changes to browsers through Backstage signals (the backend follows running
     * deployments' histories on Temporal). Default true; the pages fall back to polling without signals.
     */
    liveUpdates?: boolean;
    /**
     * Backstage notifications to the owners of the entity that names a family (and the same as JSON to
     * a webhook) when its deployments change. Needs `liveUpdates`.
     */
    notifications?: {
      /** Which: dark (waits for promote), overridden, aborted, failed, completed, stragglers. Default: all. */
      events?: Array<'dark' | 'overridden' | 'aborted' | 'failed' | 'completed' | 'stragglers'>;
      /**
       * Also POST each notice as JSON here (a chat tool's incoming webhook).
       * @visibility secret
       */
      webhookUrl?: string;
      /** Per family, what differs (a list, as family names may hold dots). */
      families?: Array<{
        family: string;
        events?: Array<'dark' | 'overridden' | 'aborted' | 'failed' | 'completed' | 'stragglers'>;
        /** @visibility secret */
        webhookUrl?: string;
      }>;
    };
  };
}

/** Deployment options as the configuration sets them, for all families or for one. */
interface DeploymentPolicyConfig {
  /**
   * Options a request may not change (a request setting one to another value gets a 400): e.g.
   * `[gate, waves]`. A family's list replaces the defaults'. Default: none.
   */
  locked?: Array<
    | 'dark'
    | 'migratory'
    | 'schedule'
    | 'sweepIntervalMs'
    | 'drainGuardMs'
    | 'cleanupPollMs'
    | 'stragglerAfterMs'
    | 'gate'
    | 'upgradeDryRun'
    | 'waves'
    | 'queue'
    | 'windows'
  >;
  /** `all` (default): requests run in turn; `latest`: a new request supersedes those waiting. */
  queue?: 'all' | 'latest';
  /**
   * When deployments may take steps (rollout steps, migration waves): weekly periods in a time zone, e.g.
   * `Mon-Thu 09:00-16:00 Europe/Berlin`. Outside them a deployment holds at its step. Default: any time.
   */
  windows?: string[];
  /** Wait in `dark` (live 0%, test traffic only) until promoted. Default false. */
  dark?: boolean;
  /** The family's workflows handle the migrate signal. Default false. */
  migratory?: boolean;
  /** Rollout steps `{ percent, pauseMs }`, rising, the last 100. Default: 10% every 60 s. */
  schedule?: Array<{ percent: number; pauseMs: number }>;
  /** How often the migration sweeps the old task queue, ms. Default: the worker's (60 s). */
  sweepIntervalMs?: number;
  /** Wait between the two "old queue is empty" checks, ms. Default: the worker's (30 s). */
  drainGuardMs?: number;
  /** How often a nonmigratory cleanup polls the old queue, ms. Default: the worker's (5 min). */
  cleanupPollMs?: number;
  /** A workflow told to migrate this long ago, in ms, that still runs on the old queue is a straggler. Default 600000. */
  stragglerAfterMs?: number;
  /**
   * The health gate (a request may change any field). On by default, with the defaults below;
   * `enabled: false` turns it off.
   */
  gate?: {
    /** Default true. */
    enabled?: boolean;
    /** Failed, timed-out or terminated workflows on the new version, % of those started there. Default 5. */
    maxFailedPercent?: number;
    /** Workflows started on the new version before the failed percentage counts. Default 10. */
    minSamples?: number;
    /** Running workflows on the new version failing their workflow task. Default 0. */
    maxWorkflowTaskFailures?: number;
    /** How often the gate is evaluated while rolling out and migrating, ms (besides before every step and wave). Default 30000. */
    intervalMs?: number;
    /** `abort` (default): live 0%, the deployment ends aborted; `pause`: the rollout pauses, the migration holds. */
    onFailure?: 'abort' | 'pause';
    /** POSTed the deployment's state at each evaluation; 2xx passes. Signed with the worker's DIACHRONIC_GATE_WEBHOOK_SECRET. */
    webhook?: {
      url: string;
      /** Default 10000. */
      timeoutMs?: number;
    };
  };
  /**
   * Before the first migrate signal, the new version's worker upgrades the states of a sample of old
   * workflows (`@diachronic/migrate/upgrade-check`). On by default; `enabled: false` turns it off.
   */
  upgradeDryRun?: {
    /** Default true. */
    enabled?: boolean;
    /** Old workflows sampled, the oldest half and the newest half. Default 20, at most 100. */
    sampleSize?: number;
    /** How long the new version's worker has to take and finish the check, ms. Default 60000. */
    timeoutMs?: number;
    /** `stop-migration` (default): nobody is told, new starts still roll out; `abort`: the deployment aborts. */
    onFailure?: 'stop-migration' | 'abort';
  };
  /**
   * Old workflows move in waves: a canary, a bake, the health gate, then growing waves. On by
   * default; `enabled: false` moves them as routing allows.
   */
  waves?: {
    /** Default true. */
    enabled?: boolean;
    /** The canary: this % of what routing lets move. Default 1. */
    canaryPercent?: number;
    /** Default 1. */
    canaryMin?: number;
    /** Default 50. */
    canaryMax?: number;
    /** The waves after the canary, in % of what routing lets move, rising (100 is added). Default [10, 25, 50, 100]. */
    percents?: number[];
    /** How long the moved workflows run on the new version before the gate and the next wave, ms. Default 120000. */
    bakeMs?: number;
    /** Migrate signals per second at most. Default: no limit. */
    signalsPerSecond?: number;
  };
}

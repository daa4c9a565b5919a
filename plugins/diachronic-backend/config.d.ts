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
    /** Options for deployments whose request does not set them. */
    deploymentDefaults?: {
      /** The families' workflows handle the migrate signal. Default false. */
      migratory?: boolean;
      /** How often the migration sweeps the old task queue, ms. Default: the worker's (60 s). */
      sweepIntervalMs?: number;
      /** Wait between the two "old queue is empty" checks, ms. Default: the worker's (30 s). */
      drainGuardMs?: number;
      /** How often a nonmigratory cleanup polls the old queue, ms. Default: the worker's (5 min). */
      cleanupPollMs?: number;
      /** A workflow told to migrate this long ago, in ms, that still runs on the old queue is a straggler. Default 600000. */
      stragglerAfterMs?: number;
      /**
       * The health gate every deployment is guarded by (a request may change any field). On by default,
       * with the defaults below; `enabled: false` turns it off.
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
        /** How often the gate is evaluated while rolling out and migrating, ms (besides before every step). Default 30000. */
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
    };
  };
}

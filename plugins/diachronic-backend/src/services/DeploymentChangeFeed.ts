/**
 * Pushes deployments' changes to browsers through Backstage signals, without asking each deployment for
 * its state on a timer. Every change of a deployment (a step, a control, a gate result, migration
 * progress) is an event in its workflow's history, so Temporal itself is the change feed: for each running
 * deployment and each family workflow with one (or with a queue), one history long-poll (`waitNewEvent`)
 * waits on Temporal's frontend and answers when an event is appended. A visibility list every
 * `discoverIntervalMs` finds the workflows to follow, and the deployments that ended since the last one
 * (whose end is pushed if no poll saw it); `followDeployment` adds one at once (the backend just asked for
 * it). Cost: 3 visibility calls per discovery, plus per followed workflow one long-poll that Temporal
 * renews about every 20 s while idle, and one call per batch of new events.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LoggerService } from '@backstage/backend-plugin-api';
import { isGrpcServiceError } from '@temporalio/client';
import type { SignalsService } from '@backstage/plugin-signals-node';
import { activePhases, workflowIds } from '@diachronic/contract';
import {
  DiachronicChangeSignal,
  deploymentsSignalChannel,
  familySignalChannel,
} from '@diachronic/backstage-plugin-diachronic-common';
import { TemporalAccess } from './temporal';
import { listDeploymentsClosedSince, listQueuedFamilies, listRunningDeploymentsIn } from './visibility';

export interface ChangeFeedOptions {
  temporal: TemporalAccess;
  signals: SignalsService;
  logger: LoggerService;
  /** How often the workflows to follow are listed. */
  discoverIntervalMs?: number;
  /** Changes of a workflow within this time are pushed once (a step is several events). */
  settleMs?: number;
  /** The Deployments page is told at most this often, however many families change. */
  listThrottleMs?: number;
  /** Told of each change as it is pushed (after `settleMs`), e.g. to notify the family's owners. */
  onChange?: (change: DiachronicChangeSignal) => void;
  /** Told how long after its newest event Temporal answered each followed workflow's poll (for the benchmark). */
  onEvents?: (lagMs: number) => void;
}

/** Longer than Temporal's long-poll expiry (20 s by default), so the server, not the client, ends an idle poll. */
const LONG_POLL_DEADLINE_MS = 70_000;
const WORKFLOW_EXECUTION_STATUS_RUNNING = 1;
/** A deployment just requested may take a moment to be started by its family workflow. */
const STARTING_WITHIN_MS = 10_000;
/** Visibility lists a closed workflow a moment after it closed: each discovery looks back this much more. */
const CLOSE_LAG_MS = 10_000;
const GRPC_NOT_FOUND = 5;
/** After a failed poll (Temporal down), wait this long before asking again. */
const RETRY_AFTER_MS = 2_000;

interface Followed {
  family: string;
  stop: AbortController;
  /** Asked for by the backend itself: a run that does not exist yet is waited for a moment. */
  starting: boolean;
}

export class DeploymentChangeFeed {
  private readonly followed = new Map<string, Followed>();
  private readonly settling = new Map<string, NodeJS.Timeout>();
  private listTimer: NodeJS.Timeout | undefined;
  private listPending = false;
  private lastListPush = 0;
  private discoverTimer: NodeJS.Timeout | undefined;
  /** What runs on the connection now: `stop` waits for it, so the connection closes with nothing in flight. */
  private discovering: Promise<void> | undefined;
  private readonly polls = new Set<Promise<void>>();
  private stopped = false;
  private lastDiscovery: number | undefined;
  /** Deployments whose end was pushed (followed to it, or found closed), with when: each end is pushed once. */
  private readonly ended = new Map<string, number>();
  /** Calls to Temporal, by kind (for the benchmark and the logs). */
  readonly calls = { discover: 0, describes: 0, historyPolls: 0 };
  /** Signals published. */
  pushes = 0;

  constructor(private readonly options: ChangeFeedOptions) {}

  start(): void {
    const discover = async () => {
      this.discovering = this.discover().catch(error => {
        if (!this.stopped) this.options.logger.warn(`Diachronic live updates: could not list the running deployments: ${error}`);
      });
      await this.discovering;
      if (!this.stopped) this.discoverTimer = setTimeout(discover, this.options.discoverIntervalMs ?? 5_000);
    };
    void discover();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.discoverTimer);
    clearTimeout(this.listTimer);
    for (const timer of this.settling.values()) clearTimeout(timer);
    for (const { stop } of this.followed.values()) stop.abort();
    this.followed.clear();
    await Promise.all([this.discovering, ...this.polls]);
  }

  /** How many workflows are followed now. */
  get followedCount(): number {
    return this.followed.size;
  }

  /** Follows a deployment and its family workflow now, rather than at the next discovery. */
  followDeployment(family: string, versionId: string): void {
    this.follow(workflowIds.deployment(family, versionId), family, true);
    this.follow(workflowIds.family(family), family);
  }

  private async discover(): Promise<void> {
    const { client } = this.options.temporal;
    const startedAt = Date.now();
    const since = this.lastDiscovery;
    this.calls.discover += since === undefined ? 2 : 3;
    const [deployments, queued, closed] = await Promise.all([
      listRunningDeploymentsIn(client, activePhases),
      listQueuedFamilies(client),
      since === undefined ? [] : listDeploymentsClosedSince(client, new Date(since - CLOSE_LAG_MS)),
    ]);
    this.lastDiscovery = startedAt;
    for (const { family, summary } of deployments) {
      this.follow(summary.workflowId, family);
      this.follow(workflowIds.family(family), family);
    }
    for (const { family } of queued) this.follow(workflowIds.family(family), family);
    // Started and ended between two discoveries, or ended while Temporal did not answer a poll: its end
    // was not pushed yet.
    for (const { family, summary } of closed) {
      if (!this.followed.has(summary.workflowId) && !this.ended.has(summary.workflowId)) this.changed(family, summary.workflowId);
      this.ended.set(summary.workflowId, startedAt);
    }
    for (const [workflowId, at] of this.ended) if (at < startedAt - 3 * CLOSE_LAG_MS) this.ended.delete(workflowId);
  }

  private follow(workflowId: string, family: string, starting = false): void {
    if (this.stopped || this.followed.has(workflowId)) return;
    const entry = { family, stop: new AbortController(), starting };
    this.followed.set(workflowId, entry);
    const polling = this.poll(workflowId, entry).finally(() => {
      if (this.followed.get(workflowId) === entry) this.followed.delete(workflowId);
      this.polls.delete(polling);
    });
    this.polls.add(polling);
  }

  /**
   * Waits on Temporal for each new event of the workflow's current run until it closes. The events a run
   * found by a look had when it was first followed are not changes anyone missed: only those after them are
   * pushed (all of them for a run the backend just asked for).
   */
  private async poll(workflowId: string, { family, stop, starting }: Followed): Promise<void> {
    const since = Date.now();
    const { client } = this.options.temporal;
    const call = <T>(fn: () => Promise<T>) =>
      client.connection.withAbortSignal(stop.signal, () => client.connection.withDeadline(Date.now() + LONG_POLL_DEADLINE_MS, fn));
    const execution: { workflowId: string; runId?: string } = { workflowId };
    let seen: number | undefined;
    let nextPageToken: Uint8Array | undefined;
    while (!stop.signal.aborted) {
      try {
        if (seen === undefined) {
          this.calls.describes++;
          const { workflowExecutionInfo: info } = await call(() =>
            client.workflowService.describeWorkflowExecution({ namespace: client.options.namespace, execution }),
          );
          if (info?.status !== WORKFLOW_EXECUTION_STATUS_RUNNING) return;
          // A run this backend just asked for is news from its first event; one found running, from now on.
          seen = starting ? 0 : Number(info.historyLength ?? 0);
          execution.runId = info.execution?.runId ?? undefined;
        }
        this.calls.historyPolls++;
        const historyRequest = { namespace: client.options.namespace, execution, nextPageToken, waitNewEvent: true, maximumPageSize: 1000 };
        const response = await call(() => client.workflowService.getWorkflowExecutionHistory(historyRequest));
        const events = response.history?.events ?? [];
        const last = Number(events[events.length - 1]?.eventId ?? 0);
        if (last > seen) {
          seen = last;
          const at = events[events.length - 1]?.eventTime;
          if (this.options.onEvents && at?.seconds !== undefined && at.seconds !== null) {
            this.options.onEvents(Date.now() - (Number(at.seconds) * 1000 + Math.floor((at.nanos ?? 0) / 1e6)));
          }
          this.changed(family, workflowId);
        }
        // An empty token: the run closed (completed, failed, continued as new); a new run is found again.
        if (!response.nextPageToken?.length) {
          this.ended.set(workflowId, Date.now());
          return;
        }
        nextPageToken = response.nextPageToken;
      } catch (error) {
        if (stop.signal.aborted) return;
        // Not started yet (a request just sent), else gone: the next discovery follows it if it runs.
        if (isGrpcServiceError(error) && error.code === GRPC_NOT_FOUND) {
          if (!starting || seen !== undefined || Date.now() - since > STARTING_WITHIN_MS) return;
          await sleep(250, undefined, { signal: stop.signal }).catch(() => undefined);
          continue;
        }
        await sleep(RETRY_AFTER_MS, undefined, { signal: stop.signal }).catch(() => undefined);
      }
    }
  }

  private changed(family: string, workflowId: string): void {
    if (this.settling.has(workflowId)) return;
    this.settling.set(
      workflowId,
      setTimeout(() => {
        this.settling.delete(workflowId);
        this.publish(familySignalChannel(family), { family, workflowId });
        this.options.onChange?.({ family, workflowId });
        this.listChanged({ family, workflowId });
      }, this.options.settleMs ?? 50),
    );
  }

  private listChanged(message: DiachronicChangeSignal): void {
    if (this.listPending) return;
    const throttleMs = this.options.listThrottleMs ?? 1_000;
    const wait = Math.max(0, this.lastListPush + throttleMs - Date.now());
    this.listPending = true;
    this.listTimer = setTimeout(() => {
      this.listPending = false;
      this.lastListPush = Date.now();
      this.publish(deploymentsSignalChannel, message);
    }, wait);
  }

  private publish(channel: string, message: DiachronicChangeSignal): void {
    if (this.stopped) return;
    this.pushes++;
    // Everyone may learn that a family changed; what changed, each browser reads with its own permissions.
    this.options.signals.publish({ recipients: { type: 'broadcast' }, channel, message }).catch(error => {
      this.options.logger.warn(`Diachronic live updates: could not publish on ${channel}: ${error}`);
    });
  }
}

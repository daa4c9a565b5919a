/**
 * Reports a deployment started from a GitHub `deployment_status` webhook back on that GitHub deployment:
 * a status at its start and at each phase change, its end (success, failure, error), and `inactive` on the
 * version's deployment when a later one replaced it. It looks at a deployment when the change feed says it
 * changed, outside the workflows: a GitHub that is down or slow never holds a rollout. Each GitHub
 * deployment's statuses are posted in order, each retried with backoff.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import type { GithubCredentialsProvider, ScmIntegrationRegistry } from '@backstage/integration';
import { deploymentVersionOf, workflowIds, type DeploymentRequest, type DeploymentState } from '@diachronic/contract';
import { FamilyEntities, rolloutTabPath } from '../entities';
import { TemporalAccess } from '../temporal';
import { queryDeploymentState } from '../workflowQueries';
import { GithubDeploymentRef, GithubStatus, githubDeploymentOf, queuedStatus, retiredStatus, statusFor } from './githubStatuses';

export interface RetryPolicy {
  /** Tries of one status in all. */
  attempts: number;
  /** The wait after the first failed try; doubled after each (with jitter), at most `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 6, initialDelayMs: 1_000, maxDelayMs: 60_000 };
const REQUEST_TIMEOUT_MS = 10_000;
/** Deployments whose last status is remembered; the oldest are forgotten first (one forgotten may be told again). */
const REMEMBERED = 10_000;

/** A refusal that another try cannot change (a 4xx other than 429 and a rate limit's 403). */
class PermanentRefusal extends Error {}

/** A refusal that says when to try again. */
class RetryAfter extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

export interface GithubStatusReporterOptions {
  temporal: TemporalAccess;
  familyEntities: FamilyEntities;
  integrations: ScmIntegrationRegistry;
  credentials: GithubCredentialsProvider;
  logger: LoggerService;
  /** The app's URL (`app.baseUrl`): statuses link to the entity's Rollout tab. */
  appBaseUrl?: string;
  retry?: RetryPolicy;
}

export class GithubStatusReporter {
  private readonly reported = new Map<string, string>();
  /** Per GitHub deployment, the statuses being posted: the next one waits for those before it. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly retry: RetryPolicy;

  constructor(private readonly options: GithubStatusReporterOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  /** The change feed saw `workflowId` of `family` change. Never throws. */
  async changed(family: string, workflowId: string): Promise<void> {
    const versionId = deploymentVersionOf(family, workflowId);
    if (!versionId) return;
    try {
      const state = await queryDeploymentState(this.options.temporal, family, versionId);
      const target = githubDeploymentOf(state.request);
      if (target) await this.report(family, workflowId, target, statusFor(state));
      if (state.phase === 'completed' && state.previous && state.previous.versionId !== versionId) {
        await this.retire(family, state.previous.versionId, state);
      }
    } catch (error) {
      this.options.logger.warn(`Diachronic GitHub statuses: could not look at ${workflowId}: ${error}`);
    }
  }

  /** A request from a GitHub deployment waits in its family's queue: it has no workflow to follow yet. */
  async queued(request: DeploymentRequest): Promise<void> {
    const target = githubDeploymentOf(request);
    if (!target) return;
    await this.report(request.family, workflowIds.deployment(request.family, request.versionId), target, queuedStatus(request.versionId)).catch(error =>
      this.options.logger.warn(`Diachronic GitHub statuses: could not report ${request.family} ${request.versionId} queued: ${error}`),
    );
  }

  private async retire(family: string, versionId: string, replacing: DeploymentState): Promise<void> {
    const replaced = await queryDeploymentState(this.options.temporal, family, versionId).catch(() => undefined);
    const target = replaced && githubDeploymentOf(replaced.request);
    if (target) await this.report(family, `${family}/${versionId}#retired`, target, retiredStatus(replacing.request.versionId));
  }

  private async report(family: string, key: string, target: GithubDeploymentRef, status: GithubStatus): Promise<void> {
    const told = `${status.state} ${status.description}`;
    if (this.reported.get(key) === told) return;
    this.reported.delete(key);
    this.reported.set(key, told);
    if (this.reported.size > REMEMBERED) this.reported.delete(this.reported.keys().next().value!);
    const logUrl = await this.rolloutTabUrl(family);
    this.enqueue(target, () => this.post(target, { ...status, ...(logUrl && { log_url: logUrl }) }));
  }

  private enqueue(target: GithubDeploymentRef, post: () => Promise<void>): void {
    const id = `${target.repositoryUrl}#${target.deploymentId}`;
    const next = (this.queues.get(id) ?? Promise.resolve()).then(post).finally(() => {
      if (this.queues.get(id) === next) this.queues.delete(id);
    });
    this.queues.set(id, next);
  }

  private async rolloutTabUrl(family: string): Promise<string | undefined> {
    const { appBaseUrl } = this.options;
    if (!appBaseUrl) return undefined;
    const [entity] = await this.options.familyEntities.of(family).catch(() => []);
    return entity ? `${appBaseUrl.replace(/\/+$/, '')}${rolloutTabPath(entity.entityRef)}` : undefined;
  }

  /** Posts one status, trying again with backoff; gives up with a warning, never throws. */
  private async post(target: GithubDeploymentRef, body: GithubStatus & { log_url?: string }): Promise<void> {
    const where = `${target.repositoryUrl} deployment ${target.deploymentId}`;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.send(target, body);
        return;
      } catch (error) {
        const delay = error instanceof RetryAfter ? error.delayMs : this.backoff(attempt);
        if (error instanceof PermanentRefusal || attempt >= this.retry.attempts) {
          this.options.logger.warn(`Diachronic GitHub statuses: gave up on the ${body.state} status of ${where} after ${attempt} tries: ${error}`);
          return;
        }
        await new Promise(resolve => setTimeout(resolve, delay));
      }
    }
  }

  private backoff(attempt: number): number {
    const exponential = this.retry.initialDelayMs * 2 ** (attempt - 1);
    return Math.min(this.retry.maxDelayMs, exponential * (0.8 + Math.random() * 0.4));
  }

  private async send(target: GithubDeploymentRef, body: GithubStatus & { log_url?: string }): Promise<void> {
    const integration = this.options.integrations.github.byUrl(target.repositoryUrl);
    if (!integration) throw new PermanentRefusal(`no GitHub integration is configured for ${new URL(target.repositoryUrl).host} (integrations.github)`);
    const { headers } = await this.options.credentials.getCredentials({ url: target.repositoryUrl });
    if (!headers?.Authorization) throw new PermanentRefusal(`no GitHub credentials for ${target.repositoryUrl}`);
    const [owner, repo] = new URL(target.repositoryUrl).pathname.split('/').filter(Boolean);
    const apiBaseUrl = integration.config.apiBaseUrl ?? 'https://api.github.com';
    const url = `${apiBaseUrl.replace(/\/+$/, '')}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/deployments/${target.deploymentId}/statuses`;
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        ...headers,
        Accept: 'application/vnd.github+json',
        'Content-Type': 'application/json',
        'X-GitHub-Api-Version': '2022-11-28',
        'User-Agent': 'diachronic-ci',
      },
      // A later version's success must not mark this one inactive behind Diachronic's back: it does that itself.
      body: JSON.stringify({ ...body, auto_inactive: false }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (response.ok) return;
    const detail = `HTTP ${response.status}: ${(await response.text().catch(() => '')).slice(0, 300)}`;
    const retryAfter = Number(response.headers.get('retry-after'));
    const rateLimited = response.status === 429 || (response.status === 403 && response.headers.get('x-ratelimit-remaining') === '0');
    if (rateLimited && retryAfter > 0) throw new RetryAfter(detail, Math.min(retryAfter * 1000, this.retry.maxDelayMs));
    if (response.status >= 500 || rateLimited) throw new Error(detail);
    throw new PermanentRefusal(detail);
  }
}

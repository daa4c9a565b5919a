/**
 * GitHub `deployment_status` webhooks → deployment requests. The mapping is documented in the
 * plugin's README ("GitHub webhook").
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError, CustomErrorBase, InputError, ServiceUnavailableError } from '@backstage/errors';
import { z } from 'zod';
import { WebhookResponse } from '@diachronic/backstage-plugin-diachronic-common';
import { commitShaSchema, healthGateSchema, migrationWavesSchema, scheduleSchema, upgradeDryRunSchema } from '@diachronic/contract';
import { parseInput } from '../validation';
import { DeploymentRequests } from './DeploymentRequests';
import { EntityAccess, OwningEntity } from './entities';
import type { GithubStatusReporter } from './github/GithubStatusReporter';

/** A delivery that is well-formed and signed, but does not name one family Diachronic can deploy (422). */
export class UnprocessableDeliveryError extends CustomErrorBase {
  name = 'UnprocessableDeliveryError' as const;
  statusCode = 422 as const;
}

export interface GithubDelivery {
  /** `X-GitHub-Event` */
  event?: string;
  /** `X-GitHub-Delivery` */
  deliveryId?: string;
  /** `X-Hub-Signature-256` */
  signature?: string;
  contentType?: string;
  rawBody: Buffer;
}

export interface WebhookOutcome {
  status: number;
  body: WebhookResponse;
}

const deploymentStatusEvent = z.object({
  deployment_status: z.object({ state: z.string() }),
  deployment: z.object({
    /** Where the deployment's progress is reported (GitHub always sends it). */
    id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    sha: commitShaSchema,
    environment: z.string().min(1).max(255, 'must be at most 255 characters'),
    payload: z.unknown().optional(),
  }),
  repository: z.object({
    full_name: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/, 'must be a GitHub repository name, owner/repo'),
    /** On GitHub Enterprise, the host the deployment's statuses go to. */
    html_url: z.url({ protocol: /^https?$/ }).max(500).optional(),
  }),
  sender: z.object({ login: z.string().min(1).max(100, 'must be at most 100 characters') }),
});

const diachronicPayload = z
  .object({
    family: z.string().min(1),
    dark: z.boolean().optional(),
    migratory: z.boolean().optional(),
    schedule: scheduleSchema.optional(),
    gate: healthGateSchema.optional(),
    upgradeDryRun: upgradeDryRunSchema.optional(),
    waves: migrationWavesSchema.optional(),
    rollback: z.boolean().optional(),
  })
  .strict();

const ignored = (reason: string): WebhookOutcome => ({ status: 202, body: { outcome: 'ignored', reason } });

/** GitHub sends `application/json`, or `application/x-www-form-urlencoded` with the JSON in `payload`. */
function parseBody({ rawBody, contentType }: GithubDelivery): unknown {
  const text = rawBody.toString('utf8');
  const json = contentType?.startsWith('application/x-www-form-urlencoded')
    ? new URLSearchParams(text).get('payload') ?? ''
    : text;
  try {
    return JSON.parse(json);
  } catch {
    throw new InputError('body: not a JSON GitHub webhook payload');
  }
}

/** `deployment.payload.diachronic`, from an object payload or a JSON string payload. */
function diachronicOptions(payload: unknown) {
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = value ? JSON.parse(value) : undefined;
    } catch {
      return undefined;
    }
  }
  const options = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).diachronic : undefined;
  return options === undefined ? undefined : parseInput(diachronicPayload, options, 'deployment.payload.diachronic');
}

export class GithubWebhookService {
  private readonly secret?: string;
  private readonly environments?: string[];
  private readonly entities: EntityAccess;
  private readonly requests: DeploymentRequests;
  private readonly auth: AuthService;
  private readonly logger: LoggerService;
  private readonly githubStatuses?: Pick<GithubStatusReporter, 'queued'>;

  constructor(options: {
    secret?: string;
    environments?: string[];
    entities: EntityAccess;
    requests: DeploymentRequests;
    auth: AuthService;
    logger: LoggerService;
    /** Told of a request that waits in its family's queue (the rest it learns from the change feed). */
    githubStatuses?: Pick<GithubStatusReporter, 'queued'>;
  }) {
    this.githubStatuses = options.githubStatuses;
    this.secret = options.secret;
    this.environments = options.environments;
    this.entities = options.entities;
    this.requests = options.requests;
    this.auth = options.auth;
    this.logger = options.logger;
    if (!this.secret) {
      this.logger.warn('Diachronic: diachronic.github.webhookSecret is not set; the GitHub webhook answers 503');
    }
  }

  async receive(delivery: GithubDelivery): Promise<WebhookOutcome> {
    this.verifySignature(delivery);
    if (delivery.event === 'ping') return { status: 200, body: { outcome: 'pong' } };
    if (delivery.event !== 'deployment_status') {
      return ignored(`event ${JSON.stringify(delivery.event ?? '')} is not handled; only deployment_status is`);
    }
    if (!delivery.deliveryId) throw new InputError('X-GitHub-Delivery header is missing');

    const body = parseBody(delivery);
    if (typeof body !== 'object' || body === null) throw new InputError('body: expected a JSON object');
    const state = (body as { deployment_status?: { state?: unknown } }).deployment_status?.state;
    if (state !== 'success') {
      return ignored(`deployment_status.state is ${JSON.stringify(state ?? null)}; only success starts a deployment`);
    }
    const { deployment, repository, sender } = parseInput(deploymentStatusEvent, body, 'body');
    if (this.environments && !this.environments.includes(deployment.environment)) {
      return ignored(
        `environment ${deployment.environment} is not one of diachronic.github.environments (${this.environments.join(', ')})`,
      );
    }
    const options = diachronicOptions(deployment.payload);
    const family = await this.familyOf(repository.full_name, options?.family);

    const request = this.requests.build({
      family,
      versionId: deployment.sha.slice(0, 7),
      sha: deployment.sha,
      environment: deployment.environment,
      ...(options?.rollback && { rollback: true }),
      options: {
        dark: options?.dark,
        migratory: options?.migratory,
        schedule: options?.schedule,
        gate: options?.gate,
        upgradeDryRun: options?.upgradeDryRun,
        waves: options?.waves,
      },
      requestedBy: { who: `github:${sender.login}`, why: `deployment to ${deployment.environment} succeeded` },
      source: {
        kind: 'github',
        deliveryId: delivery.deliveryId,
        repositoryUrl: repository.html_url ?? `https://github.com/${repository.full_name}`,
        ...(deployment.id !== undefined && { deploymentId: deployment.id }),
      },
    });
    const result = await this.requests.send(request);
    this.logger.info(`Diachronic: GitHub delivery ${delivery.deliveryId} → ${family} ${request.versionId}: ${result.outcome}`);
    if (result.outcome === 'queued') void this.githubStatuses?.queued(request);
    return {
      status: result.outcome === 'duplicate' ? 200 : 202,
      body: { ...result, family, versionId: request.versionId },
    };
  }

  private verifySignature({ signature, rawBody }: GithubDelivery): void {
    if (!this.secret) {
      throw new ServiceUnavailableError('the GitHub webhook is not configured: diachronic.github.webhookSecret is not set');
    }
    const expected = Buffer.from(`sha256=${createHmac('sha256', this.secret).update(rawBody).digest('hex')}`);
    const given = Buffer.from(signature ?? '');
    // Lengths are public (the digest's is fixed); the comparison of the bytes runs in constant time.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AuthenticationError(
        signature ? 'X-Hub-Signature-256 does not match the payload' : 'X-Hub-Signature-256 header is missing',
      );
    }
  }

  /** The family a repository's deployment is for: the payload's choice among the repository's families, or its only one. */
  private async familyOf(repository: string, chosen: string | undefined): Promise<string> {
    const entities = await this.entities.entitiesOfRepository(repository, await this.auth.getOwnServiceCredentials());
    const families = [...new Set(entities.flatMap(entity => entity.families))];
    const refs = (list: OwningEntity[]) => list.map(entity => entity.entityRef).join(', ');
    if (entities.length === 0) {
      throw new UnprocessableDeliveryError(
        `no catalog entity has the annotation github.com/project-slug: ${repository}, so no family can be deployed`,
      );
    }
    if (chosen !== undefined) {
      if (families.includes(chosen)) return chosen;
      throw new UnprocessableDeliveryError(
        `deployment.payload.diachronic.family ${chosen} is not owned by ${repository}'s catalog entities (${refs(entities)}; families: ${families.join(', ') || 'none'})`,
      );
    }
    if (families.length === 1) return families[0];
    if (families.length === 0) {
      throw new UnprocessableDeliveryError(
        `${repository}'s catalog entities (${refs(entities)}) own no family: add the diachronic.dev/workflows annotation`,
      );
    }
    throw new UnprocessableDeliveryError(
      `${repository} owns several families (${families.join(', ')}): set deployment.payload.diachronic.family to the one to deploy`,
    );
  }
}

import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { VERSION_ID_PATTERN, activePhases, terminalPhases } from '@diachronic/ci/contract';
import { diachronicRoutes } from '@diachronic/backstage-plugin-diachronic-common';
import { DeploymentService, decodeCursor } from './services/DeploymentService';
import { GithubWebhookService } from './services/GithubWebhookService';
import { parseInput, scheduleSchema } from './validation';

const phases = [...activePhases, ...terminalPhases] as const;
const controlActions = ['promote', 'override', 'pause', 'resume', 'abort'] as const;
const reason = z.string().trim().min(1).max(2000);
/** An empty `?q=` is no filter. */
const optionalText = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform(text => text || undefined);

const listQuery = z
  .object({
    phase: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform(value =>
        value === undefined
          ? undefined
          : [value]
              .flat()
              .flatMap(text => text.split(','))
              .map(text => text.trim())
              .filter(Boolean),
      )
      .pipe(z.array(z.enum(phases)).optional()),
    owner: optionalText,
    q: optionalText,
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).optional(),
    cursor: z.string().min(1).optional(),
  })
  .refine(query => query.offset === undefined || query.cursor === undefined, {
    message: 'give either offset or cursor, not both',
    path: ['cursor'],
  });

const entityParams = z.object({ namespace: z.string().min(1), kind: z.string().min(1), name: z.string().min(1) });
const deploymentParams = entityParams.extend({
  family: z.string().min(1),
  versionId: z.string().regex(VERSION_ID_PATTERN, 'must be a git sha: 7–40 lowercase hex digits'),
});

const controlBodies = {
  promote: z.object({ reason: reason.optional() }),
  pause: z.object({ reason: reason.optional() }),
  resume: z.object({ reason: reason.optional() }),
  abort: z.object({ reason }),
  override: z.object({ percent: z.number().int().min(0).max(100), reason }),
};

const startBody = z
  .object({
    family: z.string().min(1),
    versionId: z.string().regex(VERSION_ID_PATTERN, 'must be a git sha: 7–40 lowercase hex digits'),
    sha: z
      .string()
      .regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/, 'must be a full lowercase commit sha')
      .optional(),
    dark: z.boolean().optional(),
    migratory: z.boolean().optional(),
    schedule: scheduleSchema.optional(),
    reason: reason.optional(),
  })
  .strict();

export async function createRouter({
  httpAuth,
  deployments,
  githubWebhooks,
}: {
  httpAuth: HttpAuthService;
  deployments: DeploymentService;
  githubWebhooks: GithubWebhookService;
}): Promise<express.Router> {
  const router = Router();

  // The signature covers the exact bytes GitHub sent, so this body is read raw, before the JSON parser.
  router.post(diachronicRoutes.githubWebhook, express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const outcome = await githubWebhooks.receive({
      event: req.get('x-github-event'),
      deliveryId: req.get('x-github-delivery'),
      signature: req.get('x-hub-signature-256'),
      contentType: req.get('content-type'),
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    });
    res.status(outcome.status).json(outcome.body);
  });

  router.use(express.json());

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get(diachronicRoutes.deployments, async (req, res) => {
    const { phase, cursor, offset, ...query } = parseInput(listQuery, req.query, 'query');
    const filter = { ...query, phases: phase, offset: cursor ? decodeCursor(cursor) : offset ?? 0 };
    res.json(await deployments.listDeployments(filter, { credentials: await httpAuth.credentials(req) }));
  });

  router.get(diachronicRoutes.entityFamilies, async (req, res) => {
    const entity = parseInput(entityParams, req.params, 'path');
    res.json(await deployments.entityFamilies(entity, { credentials: await httpAuth.credentials(req) }));
  });

  router.get(diachronicRoutes.deployment, async (req, res) => {
    const { family, versionId, ...entity } = parseInput(deploymentParams, req.params, 'path');
    res.json(await deployments.deployment(entity, family, versionId, { credentials: await httpAuth.credentials(req) }));
  });

  router.post(diachronicRoutes.control, async (req, res) => {
    const action = z.enum(controlActions).safeParse(req.params.action);
    if (!action.success) {
      throw new NotFoundError(`no action ${req.params.action}; the actions are ${controlActions.join(', ')}`);
    }
    const { family, versionId, ...entity } = parseInput(deploymentParams, req.params, 'path');
    const input = parseInput(controlBodies[action.data], req.body, 'body');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await deployments.control(entity, family, versionId, action.data, input, { credentials }));
  });

  router.post(diachronicRoutes.startDeployment, async (req, res) => {
    const entity = parseInput(entityParams, req.params, 'path');
    const input = parseInput(startBody, req.body, 'body');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const result = await deployments.start(entity, input, { credentials });
    res.status(result.outcome === 'duplicate' ? 200 : 202).json(result);
  });

  return router;
}

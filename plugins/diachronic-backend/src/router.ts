import express from 'express';
import { z } from 'zod';
import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import { InputError, NotFoundError } from '@backstage/errors';
import { controlActions } from '@diachronic/contract';
import {
  controlBodySchemas,
  diachronicRoutes,
  freezeBodySchema,
  startDeploymentBodySchema,
  unfreezeBodySchema,
} from '@diachronic/backstage-plugin-diachronic-common';
import { DeploymentControlService } from './services/DeploymentControlService';
import { DeploymentListService, decodeCursor } from './services/DeploymentListService';
import { FamilyViewService } from './services/FamilyViewService';
import { FreezeService } from './services/FreezeService';
import { GithubWebhookService } from './services/GithubWebhookService';
import { parseInput } from './validation';
import { deploymentParams, entityParams, listQuery } from './requestSchemas';
import { audited, CONTROL_SEVERITY } from './audit';
import { createOpenApiRouter } from './schema/openapi/generated';

/** What an audited request asked, from its path and body as sent (before they are checked). */
function asked(req: express.Request): JsonObject {
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 2000) : undefined);
  const body = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
  const fields = {
    entity: `${req.params.kind ?? ''}:${req.params.namespace ?? ''}/${req.params.name ?? ''}`,
    family: text(req.params.family ?? body.family),
    versionId: text(req.params.versionId ?? body.versionId),
    reason: text(body.reason),
    percent: typeof body.percent === 'number' ? body.percent : undefined,
    until: text(body.until),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as JsonObject;
}

/** GitHub caps webhook payloads at 25 MB; a larger delivery is answered 413. */
export const GITHUB_WEBHOOK_BODY_LIMIT = '25mb';

export async function createRouter({
  httpAuth,
  auditor,
  deploymentList,
  familyViews,
  deploymentControls,
  freezes,
  githubWebhooks,
}: {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  deploymentList: DeploymentListService;
  familyViews: FamilyViewService;
  deploymentControls: DeploymentControlService;
  freezes: FreezeService;
  githubWebhooks: GithubWebhookService;
}): Promise<express.Router> {
  // Typed by src/schema/openapi.yaml. Requests are checked by the shared zod schemas (which the spec's bodies
  // are generated from), once, with messages that name the field. No body parser up front (its default): the
  // webhook's body must stay raw; an empty list is refused, hence the pass-through.
  const router = await createOpenApiRouter({
    middleware: [(_req, _res, next) => next()],
    validatorOptions: { validateRequests: false },
  });

  // The signature covers the exact bytes GitHub sent, so this body is read raw, before the JSON parser.
  router.post(diachronicRoutes.githubWebhook, express.raw({ type: () => true, limit: GITHUB_WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const delivery = { event: req.get('x-github-event') ?? null, deliveryId: req.get('x-github-delivery') ?? null };
    const outcome = await audited(
      auditor,
      { eventId: 'github-webhook', severityLevel: 'medium', request: req, meta: delivery },
      () =>
        githubWebhooks.receive({
          event: req.get('x-github-event'),
          deliveryId: req.get('x-github-delivery'),
          signature: req.get('x-hub-signature-256'),
          contentType: req.get('content-type'),
          rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        }),
      ({ status, body }) => ({ status, ...body }),
    );
    res.status(outcome.status).json(outcome.body);
  });

  // Any JSON value parses (the schemas say what is wrong with it); what does not parse is a 400 about the body.
  router.use(express.json({ strict: false }));
  router.use((error: unknown, _req: express.Request, _res: express.Response, next: express.NextFunction) => {
    const { type, message } = error as { type?: string; message?: string };
    next(type === 'entity.parse.failed' ? new InputError(`body: not valid JSON (${message})`) : error);
  });

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get(diachronicRoutes.deployments, async (req, res) => {
    const { phase, cursor, offset, ...query } = parseInput(listQuery, req.query, 'query');
    const filter = { ...query, phases: phase, offset: cursor ? decodeCursor(cursor) : offset ?? 0 };
    res.json(await deploymentList.listDeployments(filter, { credentials: await httpAuth.credentials(req) }));
  });

  router.get(diachronicRoutes.entityFamilies, async (req, res) => {
    const entity = parseInput(entityParams, req.params, 'path');
    res.json(await familyViews.entityFamilies(entity, { credentials: await httpAuth.credentials(req) }));
  });

  router.get(diachronicRoutes.deployment, async (req, res) => {
    const { family, versionId, ...entity } = parseInput(deploymentParams, req.params, 'path');
    res.json(await deploymentControls.deployment(entity, family, versionId, { credentials: await httpAuth.credentials(req) }));
  });

  router.post(diachronicRoutes.control, async (req, res) => {
    const action = z.enum(controlActions).safeParse(req.params.action);
    if (!action.success) {
      throw new NotFoundError(`no action ${req.params.action}; the actions are ${controlActions.join(', ')}`);
    }
    const state = await audited(
      auditor,
      { eventId: 'deployment-control', severityLevel: CONTROL_SEVERITY[action.data], request: req, meta: { action: action.data, ...asked(req) } },
      async () => {
        const { family, versionId, ...entity } = parseInput(deploymentParams, req.params, 'path');
        const input = parseInput(controlBodySchemas[action.data], req.body, 'body');
        const credentials = await httpAuth.credentials(req, { allow: ['user'] });
        return deploymentControls.control(entity, family, versionId, action.data, input, { credentials });
      },
      after => ({ phase: after.phase, livePercent: after.livePercent }),
    );
    res.json(state);
  });

  router.post(diachronicRoutes.entityFreeze, async (req, res) => {
    const meta = { action: 'freeze', ...asked(req) };
    const frozen = await audited(auditor, { eventId: 'family-freeze', severityLevel: 'high', request: req, meta }, async () => {
      const entity = parseInput(entityParams, req.params, 'path');
      const input = parseInput(freezeBodySchema, req.body, 'body');
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      return freezes.freezeFamilies(entity, input, { credentials });
    });
    res.json(frozen);
  });

  router.delete(diachronicRoutes.entityFreeze, async (req, res) => {
    const meta = { action: 'unfreeze', ...asked(req) };
    const thawed = await audited(auditor, { eventId: 'family-freeze', severityLevel: 'high', request: req, meta }, async () => {
      const entity = parseInput(entityParams, req.params, 'path');
      const input = parseInput(unfreezeBodySchema, req.body ?? {}, 'body');
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      return freezes.unfreezeFamilies(entity, input, { credentials });
    });
    res.json(thawed);
  });

  router.get(diachronicRoutes.freezeAll, async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await freezes.globalFreeze());
  });

  router.post(diachronicRoutes.freezeAll, async (req, res) => {
    const meta = { action: 'freeze', scope: 'all', ...asked(req) };
    const frozen = await audited(auditor, { eventId: 'family-freeze', severityLevel: 'critical', request: req, meta }, async () => {
      const input = parseInput(freezeBodySchema.omit({ family: true }), req.body, 'body');
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      return freezes.freezeAll(input, { credentials });
    });
    res.json(frozen);
  });

  router.delete(diachronicRoutes.freezeAll, async (req, res) => {
    const meta = { action: 'unfreeze', scope: 'all', ...asked(req) };
    const thawed = await audited(auditor, { eventId: 'family-freeze', severityLevel: 'critical', request: req, meta }, async () => {
      const input = parseInput(unfreezeBodySchema.omit({ family: true }), req.body ?? {}, 'body');
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      return freezes.unfreezeAll(input, { credentials });
    });
    res.json(thawed);
  });

  router.post(diachronicRoutes.startDeployment, async (req, res) => {
    const meta = { action: 'start', ...asked(req) };
    const result = await audited(
      auditor,
      { eventId: 'deployment-start', severityLevel: 'medium', request: req, meta },
      async () => {
        const entity = parseInput(entityParams, req.params, 'path');
        const input = parseInput(startDeploymentBodySchema, req.body, 'body');
        const credentials = await httpAuth.credentials(req, { allow: ['user'] });
        return deploymentControls.start(entity, input, { credentials });
      },
      started => ({ ...started }),
    );
    res.status(result.outcome === 'duplicate' ? 200 : 202).json(result);
  });

  // Anything else under the plugin's base path: a JSON 404 naming it, as every other error here.
  router.use((req, _res) => {
    throw new NotFoundError(`no route ${req.method} ${req.path}; see the plugin's README for the API`);
  });

  return router;
}

/**
 * Diachronic's reads and controls as actions of the Backstage actions registry (for agents, e.g. over MCP).
 * Each is a thin adapter over the same services and input rules as the REST routes: an agent acting for a
 * user may do exactly what that user may do, and every change is audited as it is through REST.
 */
import { AuthService, AuditorService, BackstageCredentials, BackstageUserPrincipal } from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import type { z as zv3 } from 'zod/v3';
import { ControlAction, deploymentPhases, publishedPhases } from '@diachronic/contract';
import { controlBodySchemas, startDeploymentBodySchema } from '@diachronic/backstage-plugin-diachronic-common';
import { audited, CONTROL_SEVERITY } from './audit';
import { deploymentParams, entityParams, listQuery } from './requestSchemas';
import { DeploymentControlService } from './services/DeploymentControlService';
import { DeploymentListService, decodeCursor } from './services/DeploymentListService';
import { parseInput } from './validation';

type Z = typeof zv3;

const entityRefField = (z: Z) =>
  z
    .string()
    .describe('The catalog entity that owns the family, e.g. "component:default/orders" (kind component and namespace default when left out)');
const deploymentFields = (z: Z) => ({
  entityRef: entityRefField(z),
  family: z.string().describe('The workflow family, as in the entity\'s diachronic.dev/workflows annotation'),
  versionId: z.string().describe('The version: a short or full git sha, lowercase hex, 7–40 digits'),
});

/** The fields an agent reads first; the rest of the deployment's state passes through. */
const deploymentStateSchema = (z: Z) =>
  z
    .object({
      phase: z.enum(deploymentPhases).describe('Where the deployment is: queued, dark, rolling_out, migrating, completed, aborted, failed, …'),
      livePercent: z.number().describe('Share of new workflow starts routed to this version'),
      reason: z.string().optional().describe('Why a terminal phase was reached'),
      startedAt: z.string(),
      endedAt: z.string().optional(),
    })
    .passthrough();

/** What an entity ref names, by the REST routes' rules (a bad one is a 400 naming the field). */
function entityRoute(entityRef: string) {
  let ref;
  try {
    ref = parseEntityRef(entityRef, { defaultKind: 'component', defaultNamespace: 'default' });
  } catch (error) {
    throw new InputError(`entityRef: ${(error as Error).message}`);
  }
  return parseInput(entityParams, { kind: ref.kind.toLocaleLowerCase('en-US'), namespace: ref.namespace, name: ref.name }, 'entityRef');
}

function deploymentRoute(input: { entityRef: string; family: string; versionId: string }) {
  const entity = entityRoute(input.entityRef);
  const { family, versionId } = parseInput(deploymentParams.pick({ family: true, versionId: true }), input, 'input');
  return { entity, family, versionId };
}

export function registerDiachronicActions({
  actionsRegistry,
  auth,
  auditor,
  deploymentList,
  deploymentControls,
}: {
  actionsRegistry: ActionsRegistryService;
  auth: AuthService;
  auditor: AuditorService;
  deploymentList: DeploymentListService;
  deploymentControls: DeploymentControlService;
}): void {
  /** Changes are made by people: an agent acts for the user who called it, never as a service. */
  const asUser = (credentials: BackstageCredentials): { credentials: BackstageCredentials<BackstageUserPrincipal> } => {
    if (!auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError('Diachronic controls must be called on behalf of a user (the actor recorded with the change)');
    }
    return { credentials };
  };
  const actor = (credentials: BackstageCredentials): JsonObject => {
    if (auth.isPrincipal(credentials, 'user')) return { via: 'actions-registry', actor: credentials.principal.userEntityRef };
    if (auth.isPrincipal(credentials, 'service')) return { via: 'actions-registry', actor: credentials.principal.subject };
    return { via: 'actions-registry', actor: 'none' };
  };

  actionsRegistry.register({
    name: 'list-deployments',
    title: 'List Diachronic deployments',
    description:
      'Lists the workflow families the caller may read, each with its owner, queue length, freeze and latest deployment (phase, live percentage). Filters by phase, owner and text; pages with nextCursor.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          phase: z.array(z.enum(publishedPhases)).optional().describe('Only families whose latest deployment is in one of these phases'),
          owner: z.string().optional().describe('Owner entity ref ("group:default/payments") or its short name'),
          q: z.string().optional().describe('Text searched in family, entity ref, title, owner and version id'),
          limit: z.number().int().min(1).max(1000).optional(),
          cursor: z.string().optional().describe('nextCursor of the previous page'),
        }),
      output: z =>
        z.object({
          items: z.array(z.object({ family: z.string(), entityRef: z.string() }).passthrough()),
          totalCount: z.number(),
          nextCursor: z.string().optional(),
        }).passthrough(),
    },
    action: async ({ input, credentials }) => {
      const { phase, cursor, offset, ...query } = parseInput(listQuery, input, 'input');
      const filter = { ...query, phases: phase, offset: cursor ? decodeCursor(cursor) : offset ?? 0 };
      const listed = await deploymentList.listDeployments(filter, { credentials });
      return { output: { ...listed, items: listed.items.map(item => ({ ...item })) } };
    },
  });

  actionsRegistry.register({
    name: 'get-deployment',
    title: 'Get a Diachronic deployment',
    description:
      'The live state of one deployment of a workflow family: phase, live percentage, step, migration counts, health gate results and its events (who did what and why).',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: { input: z => z.object(deploymentFields(z)), output: deploymentStateSchema },
    action: async ({ input, credentials }) => {
      const { entity, family, versionId } = deploymentRoute(input);
      return { output: { ...(await deploymentControls.deployment(entity, family, versionId, { credentials })) } };
    },
  });

  const control = (
    action: Exclude<ControlAction, 'cancel'>,
    { title, description, destructive }: { title: string; description: string; destructive: boolean },
  ) =>
    actionsRegistry.register({
      name: action,
      title,
      description: `${description} Refused with the reason when the deployment is not in a phase that allows it.`,
      // Repeating it changes nothing more: the workflow refuses what its phase no longer allows.
      attributes: { readOnly: false, idempotent: true, destructive },
      schema: {
        input: z =>
          z.object({
            ...deploymentFields(z),
            ...(action === 'override' ? { percent: z.number().int().min(0).max(100).describe('The live percentage to set now') } : {}),
            reason: (action === 'abort' || action === 'override' ? z.string() : z.string().optional()).describe(
              'Why, recorded with the action in the deployment\'s history',
            ),
          }),
        output: deploymentStateSchema,
      },
      action: async ({ input, credentials }) => {
        const { entityRef: _entityRef, family: _family, versionId: _versionId, ...body } = input as Record<string, unknown>;
        const state = await audited(
          auditor,
          { eventId: 'deployment-control', severityLevel: CONTROL_SEVERITY[action], meta: { action, ...input, ...actor(credentials) } as JsonObject },
          async () => {
            const { entity, family, versionId } = deploymentRoute(input);
            const controlInput = parseInput(controlBodySchemas[action], body, 'input');
            return deploymentControls.control(entity, family, versionId, action, controlInput, asUser(credentials));
          },
          after => ({ phase: after.phase, livePercent: after.livePercent }),
        );
        return { output: { ...state } };
      },
    });

  control('promote', {
    title: 'Promote a dark Diachronic deployment',
    description: 'Starts routing new workflows to a version that waits in dark, by its schedule.',
    destructive: true,
  });
  control('override', {
    title: 'Override a Diachronic deployment\'s percentage',
    description: 'Sets the share of new workflow starts routed to the version now (0–100); the schedule goes on from there.',
    destructive: true,
  });
  control('pause', {
    title: 'Pause a Diachronic deployment',
    description: 'Holds the rollout and the migration where they are until resumed; traffic stays as it is.',
    destructive: false,
  });
  control('resume', {
    title: 'Resume a Diachronic deployment',
    description: 'Lets a paused rollout and migration go on.',
    destructive: true,
  });
  control('abort', {
    title: 'Abort a Diachronic deployment',
    description: 'Routes every new workflow back to the previous version and ends the deployment as aborted.',
    destructive: true,
  });

  actionsRegistry.register({
    name: 'start',
    title: 'Start a Diachronic deployment',
    description:
      'Asks for a deployment of a new version of a workflow family, as the calling user; it waits in the family\'s queue while another deployment runs. A version deployed before is a duplicate (nothing starts) unless rollback is set for a retired one.',
    // Not additive: unless dark, it moves traffic to the new version by its schedule.
    attributes: { readOnly: false, idempotent: true, destructive: true },
    schema: {
      input: z =>
        z.object({
          ...deploymentFields(z),
          sha: z.string().optional().describe('The full git commit sha of the version'),
          dark: z.boolean().optional().describe('Wait in dark until promoted'),
          migratory: z.boolean().optional().describe('The family\'s workflows handle the migrate signal'),
          rollback: z.boolean().optional().describe('Deploy a retired version again'),
          reason: z.string().optional().describe('Why, recorded with the request'),
        }),
      output: z =>
        z.object({
          outcome: z.string().describe('started, queued or duplicate'),
          workflowId: z.string(),
        }).passthrough(),
    },
    action: async ({ input, credentials }) => {
      const { entityRef, ...body } = input;
      const result = await audited(
        auditor,
        { eventId: 'deployment-start', severityLevel: 'medium', meta: { action: 'start', ...input, ...actor(credentials) } as JsonObject },
        async () => {
          const entity = entityRoute(entityRef);
          const request = parseInput(startDeploymentBodySchema, body, 'input');
          return deploymentControls.start(entity, request, asUser(credentials));
        },
        started => ({ ...started }),
      );
      return { output: { ...result } };
    },
  });
}

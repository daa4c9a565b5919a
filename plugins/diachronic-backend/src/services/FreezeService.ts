/** Freezes: of an entity's families (on the entity, permission diachronic.freeze) or of every family (diachronic.freeze.all). */
import { BackstageCredentials, BackstageUserPrincipal, PermissionsService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { FamilyState, familyWorkflowStart, freezeWorkflowStart, workflowIds } from '@diachronic/contract';
import {
  freezeAllUpdate,
  freezeFamilyUpdate,
  GlobalFreezeState,
  globalFreezeQuery,
  unfreezeAllUpdate,
  unfreezeFamilyUpdate,
} from '@diachronic/contract/temporal';
import {
  EntityRouteRef,
  FreezeRequest,
  UnfreezeRequest,
  diachronicFreezeAllPermission,
  diachronicFreezePermission,
} from '@diachronic/backstage-plugin-diachronic-common';
import { EntityAccess } from './entities';
import { TemporalAccess } from './temporal';
import { unavailable } from './temporalErrors';
import { updateWithStart } from './workflowUpdates';

type UserCredentials = { credentials: BackstageCredentials<BackstageUserPrincipal> };

export class FreezeService {
  constructor(
    private readonly options: { temporal: TemporalAccess; entities: EntityAccess; permissions: PermissionsService },
  ) {}

  /** The families a request addresses: one of the entity's (404 when it does not own it), or all of them. */
  private async families(route: EntityRouteRef, family: string | undefined, credentials: BackstageCredentials) {
    const entity = await this.options.entities.authorizedEntity(route, diachronicFreezePermission, credentials);
    if (family === undefined) return entity.families;
    EntityAccess.requireFamily(entity, family);
    return [family];
  }

  /** Sends the update to each family the request addresses (update-with-start: a family may have no workflow yet). */
  private async eachFamily<Args extends unknown[]>(
    route: EntityRouteRef,
    family: string | undefined,
    credentials: BackstageCredentials,
    update: UpdateDefinition<FamilyState, Args>,
    args: Args,
    what: string,
  ): Promise<{ families: FamilyState[] }> {
    const { temporal } = this.options;
    const families = await this.families(route, family, credentials);
    return {
      families: await Promise.all(
        families.map(name => updateWithStart(temporal, familyWorkflowStart(name, temporal.taskQueue), update, args, `${what} of ${name}`)),
      ),
    };
  }

  /** Freezes the entity's families (or one): their queued requests wait, their running deployments hold. */
  freezeFamilies(route: EntityRouteRef, { family, reason, until }: FreezeRequest, { credentials }: UserCredentials) {
    const who = credentials.principal.userEntityRef;
    return this.eachFamily(route, family, credentials, freezeFamilyUpdate, [{ who, why: reason, ...(until && { until }) }], 'freeze');
  }

  unfreezeFamilies(route: EntityRouteRef, { family, reason }: UnfreezeRequest, { credentials }: UserCredentials) {
    const who = credentials.principal.userEntityRef;
    return this.eachFamily(route, family, credentials, unfreezeFamilyUpdate, [{ who, ...(reason && { why: reason }) }], 'unfreeze');
  }

  private async requireFreezeAll(credentials: BackstageCredentials) {
    const [decision] = await this.options.permissions.authorize([{ permission: diachronicFreezeAllPermission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed to freeze or unfreeze every family (permission ${diachronicFreezeAllPermission.name})`);
    }
  }

  /** Freezes every family of this installation. */
  async freezeAll({ reason, until }: Omit<FreezeRequest, 'family'>, { credentials }: UserCredentials): Promise<GlobalFreezeState> {
    await this.requireFreezeAll(credentials);
    const { temporal } = this.options;
    const who = credentials.principal.userEntityRef;
    return updateWithStart(temporal, freezeWorkflowStart(temporal.taskQueue), freezeAllUpdate, [{ who, why: reason, ...(until && { until }) }], 'freeze of every family');
  }

  async unfreezeAll({ reason }: Omit<UnfreezeRequest, 'family'>, { credentials }: UserCredentials): Promise<GlobalFreezeState> {
    await this.requireFreezeAll(credentials);
    const { temporal } = this.options;
    const who = credentials.principal.userEntityRef;
    return updateWithStart(temporal, freezeWorkflowStart(temporal.taskQueue), unfreezeAllUpdate, [{ who, ...(reason && { why: reason }) }], 'unfreeze of every family');
  }

  /** The freeze of every family in force, if any (none when nobody ever froze everything). */
  async globalFreeze(): Promise<GlobalFreezeState> {
    const { temporal } = this.options;
    try {
      return await temporal.withWorkerDeadline(() => temporal.client.workflow.getHandle(workflowIds.freeze(temporal.taskQueue)).query(globalFreezeQuery));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return {};
      throw unavailable(error, 'the freeze of every family could not be read', temporal.taskQueue) ?? error;
    }
  }
}

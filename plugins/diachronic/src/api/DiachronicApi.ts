import { createApiRef } from '@backstage/core-plugin-api';
import type {
  ControlRequest,
  ControlResponse,
  DeploymentListQuery,
  DeploymentListResponse,
  DeploymentState,
  EntityFamiliesResponse,
  EntityRouteRef,
  FamilyState,
  FreezeRequest,
  OverrideRequest,
  StartDeploymentRequest,
  StartDeploymentResponse,
  UnfreezeRequest,
} from '@diachronic/backstage-plugin-diachronic-common';

/** The Diachronic backend's REST API, one method per endpoint. */
export interface DiachronicApi {
  listDeployments(query?: DeploymentListQuery): Promise<DeploymentListResponse>;
  getEntityFamilies(entity: EntityRouteRef): Promise<EntityFamiliesResponse>;
  getDeployment(entity: EntityRouteRef, family: string, versionId: string): Promise<DeploymentState>;
  promote(entity: EntityRouteRef, family: string, versionId: string, body?: ControlRequest): Promise<ControlResponse>;
  override(entity: EntityRouteRef, family: string, versionId: string, body: OverrideRequest): Promise<ControlResponse>;
  pause(entity: EntityRouteRef, family: string, versionId: string, body?: ControlRequest): Promise<ControlResponse>;
  resume(entity: EntityRouteRef, family: string, versionId: string, body?: ControlRequest): Promise<ControlResponse>;
  abort(
    entity: EntityRouteRef,
    family: string,
    versionId: string,
    body: Required<ControlRequest>,
  ): Promise<ControlResponse>;
  /** Takes a queued request out of its family's queue; answers it as `cancelled`. */
  cancel(
    entity: EntityRouteRef,
    family: string,
    versionId: string,
    body: Required<ControlRequest>,
  ): Promise<ControlResponse>;
  startDeployment(entity: EntityRouteRef, body: StartDeploymentRequest): Promise<StartDeploymentResponse>;
  /** Freezes the entity's families (or `body.family`); answers each family's state after. */
  freezeFamilies(entity: EntityRouteRef, body: FreezeRequest): Promise<{ families: FamilyState[] }>;
  unfreezeFamilies(entity: EntityRouteRef, body: UnfreezeRequest): Promise<{ families: FamilyState[] }>;
}

export const diachronicApiRef = createApiRef<DiachronicApi>({ id: 'plugin.diachronic.service' });

import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ControlAction,
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
import { DefaultApiClient } from '../schema/openapi/generated';
import { DiachronicApi } from './DiachronicApi';

/** The path parameters of an entity, as the routes address it (namespace `default` when absent). */
const entityPath = ({ kind, namespace, name }: EntityRouteRef) => ({ kind, namespace: namespace || 'default', name });

/**
 * Talks to the Diachronic backend plugin through the Backstage discovery and (authenticated) fetch APIs,
 * with the client generated from the backend's OpenAPI description (src/schema/openapi/generated); it
 * answers the common package's types, which the description's schemas are a looser view of.
 */
export class DiachronicClient implements DiachronicApi {
  private readonly api: DefaultApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.api = new DefaultApiClient(options);
  }

  async listDeployments(query: DeploymentListQuery = {}): Promise<DeploymentListResponse> {
    const phase = query.phase === undefined ? undefined : [query.phase].flat().join(',') || undefined;
    const { cursor, offset } = query;
    return this.json(this.api.listDeployments({ query: { phase, owner: query.owner || undefined, q: query.q || undefined, limit: query.limit, ...(cursor ? { cursor } : { offset }) } }));
  }

  getEntityFamilies(entity: EntityRouteRef): Promise<EntityFamiliesResponse> {
    return this.json(this.api.getEntityFamilies({ path: entityPath(entity) }));
  }

  getDeployment(entity: EntityRouteRef, family: string, versionId: string): Promise<DeploymentState> {
    return this.json(this.api.getDeployment({ path: { ...entityPath(entity), family, versionId } }));
  }

  promote(entity: EntityRouteRef, family: string, versionId: string, body: ControlRequest = {}) {
    return this.control(entity, family, versionId, 'promote', body);
  }

  override(entity: EntityRouteRef, family: string, versionId: string, body: OverrideRequest) {
    return this.control(entity, family, versionId, 'override', body);
  }

  pause(entity: EntityRouteRef, family: string, versionId: string, body: ControlRequest = {}) {
    return this.control(entity, family, versionId, 'pause', body);
  }

  resume(entity: EntityRouteRef, family: string, versionId: string, body: ControlRequest = {}) {
    return this.control(entity, family, versionId, 'resume', body);
  }

  abort(entity: EntityRouteRef, family: string, versionId: string, body: Required<ControlRequest>) {
    return this.control(entity, family, versionId, 'abort', body);
  }

  cancel(entity: EntityRouteRef, family: string, versionId: string, body: Required<ControlRequest>) {
    return this.control(entity, family, versionId, 'cancel', body);
  }

  startDeployment(entity: EntityRouteRef, body: StartDeploymentRequest): Promise<StartDeploymentResponse> {
    return this.json(this.api.startDeployment({ path: entityPath(entity), body }));
  }

  freezeFamilies(entity: EntityRouteRef, body: FreezeRequest): Promise<{ families: FamilyState[] }> {
    return this.json(this.api.freezeEntityFamilies({ path: entityPath(entity), body }));
  }

  unfreezeFamilies(entity: EntityRouteRef, body: UnfreezeRequest): Promise<{ families: FamilyState[] }> {
    return this.json(this.api.unfreezeEntityFamilies({ path: entityPath(entity), body }));
  }

  private control(
    entity: EntityRouteRef,
    family: string,
    versionId: string,
    action: ControlAction,
    body: ControlRequest | OverrideRequest,
  ): Promise<ControlResponse> {
    return this.json(this.api.controlDeployment({ path: { ...entityPath(entity), family, versionId, action }, body }));
  }

  /** The answer's body as the common package's type, or a ResponseError with the backend's message. */
  private async json<T>(response: Promise<Response | { ok: boolean; json(): Promise<unknown> }>): Promise<T> {
    const res = (await response) as Response;
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as T;
  }
}

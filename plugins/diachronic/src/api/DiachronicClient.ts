import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ControlAction,
  ControlRequest,
  ControlResponse,
  DeploymentListQuery,
  DeploymentListResponse,
  DeploymentState,
  diachronicApiPaths,
  EntityFamiliesResponse,
  EntityRouteRef,
  FamilyState,
  FreezeRequest,
  OverrideRequest,
  StartDeploymentRequest,
  StartDeploymentResponse,
  UnfreezeRequest,
} from '@diachronic/backstage-plugin-diachronic-common';
import { DiachronicApi } from './DiachronicApi';

/** Talks to the Diachronic backend plugin through the Backstage discovery and (authenticated) fetch APIs. */
export class DiachronicClient implements DiachronicApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  listDeployments(query?: DeploymentListQuery): Promise<DeploymentListResponse> {
    return this.request(diachronicApiPaths.deployments(query));
  }

  getEntityFamilies(entity: EntityRouteRef): Promise<EntityFamiliesResponse> {
    return this.request(diachronicApiPaths.entityFamilies(entity));
  }

  getDeployment(entity: EntityRouteRef, family: string, versionId: string): Promise<DeploymentState> {
    return this.request(diachronicApiPaths.deployment(entity, family, versionId));
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
    return this.request(diachronicApiPaths.startDeployment(entity), { method: 'POST', body });
  }

  freezeFamilies(entity: EntityRouteRef, body: FreezeRequest): Promise<{ families: FamilyState[] }> {
    return this.request(diachronicApiPaths.entityFreeze(entity), { method: 'POST', body });
  }

  unfreezeFamilies(entity: EntityRouteRef, body: UnfreezeRequest): Promise<{ families: FamilyState[] }> {
    return this.request(diachronicApiPaths.entityFreeze(entity), { method: 'DELETE', body });
  }

  private control(
    entity: EntityRouteRef,
    family: string,
    versionId: string,
    action: ControlAction,
    body: ControlRequest | OverrideRequest,
  ): Promise<ControlResponse> {
    return this.request(diachronicApiPaths.control(entity, family, versionId, action), { method: 'POST', body });
  }

  private async request<T>(path: string, options: { method?: 'GET' | 'POST' | 'DELETE'; body?: unknown } = {}): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('diachronic');
    const res = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method: options.method ?? 'GET',
      ...(options.body === undefined
        ? {}
        : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(options.body) }),
    });
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as T;
  }
}

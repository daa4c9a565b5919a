/** The Diachronic backend plugin's REST API as the CLI calls it: the paths are the plugin's own. */
import {
  ControlAction,
  ControlResponse,
  DeploymentListQuery,
  DeploymentListResponse,
  EntityFamiliesResponse,
  EntityRouteRef,
  FreezeRequest,
  StartDeploymentRequest,
  StartDeploymentResponse,
  UnfreezeRequest,
  diachronicApiPaths,
} from '@diachronic/backstage-plugin-diachronic-common';

/** The backend said no, with its reason (400, 403, 404, 409): exit code 2. */
export class RefusedError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RefusedError';
  }
}

const REFUSALS = new Set([400, 403, 404, 409]);

export class DiachronicClient {
  private readonly baseUrl: string;

  constructor(
    backendUrl: string,
    private readonly token: string | undefined,
  ) {
    this.baseUrl = `${backendUrl.replace(/\/+$/, '')}/api/diachronic`;
  }

  listDeployments(query: DeploymentListQuery = {}) {
    return this.call<DeploymentListResponse>('GET', diachronicApiPaths.deployments(query));
  }

  entityFamilies(entity: EntityRouteRef) {
    return this.call<EntityFamiliesResponse>('GET', diachronicApiPaths.entityFamilies(entity));
  }

  control(entity: EntityRouteRef, family: string, versionId: string, action: ControlAction, body: { reason?: string; percent?: number }) {
    return this.call<ControlResponse>('POST', diachronicApiPaths.control(entity, family, versionId, action), body);
  }

  start(entity: EntityRouteRef, body: StartDeploymentRequest) {
    return this.call<StartDeploymentResponse>('POST', diachronicApiPaths.startDeployment(entity), body);
  }

  freeze(entity: EntityRouteRef, body: FreezeRequest) {
    return this.call<unknown>('POST', diachronicApiPaths.entityFreeze(entity), body);
  }

  unfreeze(entity: EntityRouteRef, body: UnfreezeRequest) {
    return this.call<unknown>('DELETE', diachronicApiPaths.entityFreeze(entity), body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...(this.token && { authorization: `Bearer ${this.token}` }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new Error(`cannot reach the Backstage backend at ${new URL(url).origin}: ${(error as Error).cause ?? error}`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.ok) return parsed as T;
    const message = (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? (text.slice(0, 500) || response.statusText);
    if (response.status === 401) {
      throw new Error(`the backend refused the token (401): ${message}; give a Backstage token with --token or DIACHRONIC_TOKEN`);
    }
    if (REFUSALS.has(response.status)) {
      const hint =
        response.status === 403 && /does not allow 'service' credentials/.test(message)
          ? ' (changes are made by people: use a user token, not a static or service token)'
          : '';
      throw new RefusedError(response.status, `${message}${hint}`);
    }
    throw new Error(`${method} ${path} failed: HTTP ${response.status}: ${message}`);
  }
}

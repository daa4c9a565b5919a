/** The Diachronic backend plugin's REST API as the CLI calls it: the plugin's own paths, bodies and answers. */
import { parseErrorResponseBody } from '@backstage/errors';
import type { ControlAction, DeploymentState, FamilyState } from '@diachronic/contract';
import {
  ControlRequest,
  ControlResponse,
  DeploymentListQuery,
  DeploymentListResponse,
  EntityFamiliesResponse,
  EntityRouteRef,
  FreezeRequest,
  OverrideRequest,
  StartDeploymentRequest,
  StartDeploymentResponse,
  UnfreezeRequest,
  diachronicApiPaths,
} from '@diachronic/backstage-plugin-diachronic-common';

/** Where the backend serves the plugin, under its base URL. */
export const PLUGIN_BASE_PATH = '/api/diachronic';

/** The backend said no and why (400, 403, 404, 409), or the CLI found nothing to act on: exit code 2. */
export class RefusedError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RefusedError';
  }
}

/** The answers that are the backend's refusal with a reason, not a failure. */
const REFUSALS = new Set([400, 403, 404, 409]);

/** What the freeze routes answer: the families' state after the change. */
export interface FreezeResponse {
  families: FamilyState[];
}

export interface ClientOptions {
  /** The Backstage backend's base URL, e.g. http://localhost:7007. */
  backendUrl: string;
  /** A Backstage token (a user's, or a static one), sent as `Authorization: Bearer`. */
  token?: string;
  /** Ctrl-C: requests in flight stop. */
  signal?: AbortSignal;
  /** How long one request may take. */
  timeoutMs?: number;
}

/** A request that waits longer than this has no backend behind it worth waiting for (a control answers within the worker deadline). */
const DEFAULT_TIMEOUT_MS = 60_000;

export class DiachronicClient {
  private readonly baseUrl: string;

  constructor(private readonly options: ClientOptions) {
    let url: URL;
    try {
      url = new URL(options.backendUrl);
    } catch {
      throw new TypeError(`${JSON.stringify(options.backendUrl)} is not a URL, e.g. http://localhost:7007`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`${url.origin || options.backendUrl} is not an http(s) URL`);
    }
    this.baseUrl = `${url.href.replace(/\/+$/, '')}${PLUGIN_BASE_PATH}`;
  }

  listDeployments(query: DeploymentListQuery = {}): Promise<DeploymentListResponse> {
    return this.request('GET', diachronicApiPaths.deployments(query));
  }

  entityFamilies(entity: EntityRouteRef): Promise<EntityFamiliesResponse> {
    return this.request('GET', diachronicApiPaths.entityFamilies(entity));
  }

  deployment(entity: EntityRouteRef, family: string, versionId: string): Promise<DeploymentState> {
    return this.request('GET', diachronicApiPaths.deployment(entity, family, versionId));
  }

  control(
    entity: EntityRouteRef,
    family: string,
    versionId: string,
    action: ControlAction,
    body: ControlRequest | OverrideRequest,
  ): Promise<ControlResponse> {
    return this.request('POST', diachronicApiPaths.control(entity, family, versionId, action), body);
  }

  start(entity: EntityRouteRef, body: StartDeploymentRequest): Promise<StartDeploymentResponse> {
    return this.request('POST', diachronicApiPaths.startDeployment(entity), body);
  }

  freeze(entity: EntityRouteRef, body: FreezeRequest): Promise<FreezeResponse> {
    return this.request('POST', diachronicApiPaths.entityFreeze(entity), body);
  }

  unfreeze(entity: EntityRouteRef, body: UnfreezeRequest): Promise<FreezeResponse> {
    return this.request('DELETE', diachronicApiPaths.entityFreeze(entity), body);
  }

  private async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const { token, signal, timeoutMs = DEFAULT_TIMEOUT_MS } = this.options;
    const url = `${this.baseUrl}${path}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...(token && { authorization: `Bearer ${token}` }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new Error(`${method} ${url}: no answer within ${timeoutMs / 1000} s`);
      // fetch says only "fetch failed"; its cause says why (ECONNREFUSED, ENOTFOUND, a TLS error).
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`cannot reach the Backstage backend at ${new URL(url).origin}: ${cause?.code ?? cause?.message ?? error}`);
    }
    if (response.ok) return (await response.json()) as T;

    const { error } = await parseErrorResponseBody(response);
    // A proxy's error page can be long; the reason is at its start.
    const message = error.message.length > 500 ? `${error.message.slice(0, 500)}…` : error.message;
    if (response.status === 401) {
      throw new Error(`the backend did not accept the token (401 ${error.name}: ${message}); give a Backstage token with --token or DIACHRONIC_TOKEN`);
    }
    if (REFUSALS.has(response.status)) {
      const hint =
        response.status === 403 && message.includes("does not allow 'service' credentials")
          ? ' (starts, controls and freezes are made by a person: use a Backstage user token, not a static or service token)'
          : '';
      throw new RefusedError(`${message}${hint}`, response.status);
    }
    throw new Error(`${method} ${path}: HTTP ${response.status} ${error.name}: ${message}`);
  }
}

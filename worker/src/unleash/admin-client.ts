export interface UnleashAdminClientOptions {
  /** The Unleash server, e.g. `http://unleash:4242`. */
  url: string;
  /** An admin API token. Sent in the Authorization header only; never logged or put in errors. */
  adminToken: string;
  project?: string;
  environment?: string;
}

export class UnleashApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: string,
  ) {
    super(`Unleash ${method} ${path} answered ${status}: ${body}`);
    this.name = 'UnleashApiError';
  }
}

/** The Unleash admin API over fetch, scoped to one project and one environment. */
export class UnleashAdminClient {
  readonly url: string;
  readonly project: string;
  readonly environment: string;
  readonly #adminToken: string;

  constructor({ url, adminToken, project = 'default', environment = 'development' }: UnleashAdminClientOptions) {
    this.url = url.replace(/\/+$/, '');
    this.#adminToken = adminToken;
    this.project = project;
    this.environment = environment;
  }

  /** `path` starts at the server root (`/api/admin/...`); a 2xx without a body resolves to undefined. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        Authorization: this.#adminToken,
        Accept: 'application/json',
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new UnleashApiError(res.status, method, path, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

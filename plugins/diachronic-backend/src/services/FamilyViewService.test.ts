import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { WorkflowNotFoundError } from '@temporalio/client';
import { DeploymentPolicies } from './deploymentPolicy';
import { EndedDeployments } from './EndedDeployments';
import { EntityAccess } from './entities';
import { FamilyViewService, withdrawnRequests } from './FamilyViewService';
import { TemporalAccess } from './temporal';
import { UnleashVersions } from './UnleashVersions';

describe('requests that never ran, in the history', () => {
  const request = (versionId: string) => ({
    family: 'order',
    versionId,
    options: { dark: false, migratory: false },
    requestedBy: { who: 'github:octocat' },
    source: { kind: 'manual' as const },
  });

  it('shows a cancelled one with who and why, and a superseded one with the version that took its place', () => {
    expect(
      withdrawnRequests('order', [
        {
          versionId: 'aaaaaaa',
          requestedBy: { who: 'github:octocat' },
          requestedAt: '2026-12-01T10:00:00.000Z',
          request: request('aaaaaaa'),
          cancelledBy: { who: 'user:default/ops', why: 'not this one' },
          cancelledAt: '2026-12-01T10:05:00.000Z',
        },
        {
          versionId: 'bbbbbbb',
          requestedBy: { who: 'github:octocat' },
          requestedAt: '2026-12-01T11:00:00.000Z',
          request: request('bbbbbbb'),
          cancelledBy: { who: 'diachronic', why: 'superseded by ccccccc (queue policy: latest)' },
          cancelledAt: '2026-12-01T11:01:00.000Z',
          supersededBy: 'ccccccc',
        },
      ]),
    ).toEqual([
      {
        workflowId: 'diachronic/order/aaaaaaa',
        runId: '',
        versionId: 'aaaaaaa',
        phase: 'cancelled',
        status: 'cancelled',
        startedAt: '2026-12-01T10:00:00.000Z',
        endedAt: '2026-12-01T10:05:00.000Z',
        reason: 'cancelled by user:default/ops: not this one',
      },
      {
        workflowId: 'diachronic/order/bbbbbbb',
        runId: '',
        versionId: 'bbbbbbb',
        phase: 'superseded',
        status: 'cancelled',
        startedAt: '2026-12-01T11:00:00.000Z',
        endedAt: '2026-12-01T11:01:00.000Z',
        reason: 'superseded by ccccccc',
      },
    ]);
  });
});

describe('the links of a family view', () => {
  // A family without a family workflow, deployments or served flags: only the links are left to show.
  const temporal = {
    client: {
      workflow: {
        getHandle: (workflowId: string) => ({
          query: () => Promise.reject(new WorkflowNotFoundError('not found', workflowId, undefined)),
        }),
        list: async function* list() {},
      },
    },
    taskQueue: 'diachronic-ci',
    withWorkerDeadline: <T>(fn: () => Promise<T>) => fn(),
    namespaceUiUrl: 'http://temporal.test/namespaces/default',
  } as unknown as TemporalAccess;
  const viewOf = (unleashProjectUiUrl?: string) =>
    new FamilyViewService({
      temporal,
      unleashVersions: { servedVersions: async () => [] } as unknown as UnleashVersions,
      entities: {
        authorizedEntity: async () => ({ entityRef: 'component:default/orders', families: ['order'] }),
      } as unknown as EntityAccess,
      endedDeployments: {} as EndedDeployments,
      policies: new DeploymentPolicies({}, new Map()),
      logger: mockServices.logger.mock(),
      unleashProjectUiUrl,
    }).entityFamilies({ kind: 'component', namespace: 'default', name: 'orders' }, { credentials: mockCredentials.user() });

  it("gives Unleash's project page when configured, beside Temporal's namespace page", async () => {
    const [family] = (await viewOf('https://unleash.example.com/projects/default')).families;
    expect(family.problems).toBeUndefined();
    expect(family.unleashUiUrl).toBe('https://unleash.example.com/projects/default');
    expect(family.temporalUiUrl).toBe('http://temporal.test/namespaces/default');
  });

  it('gives no Unleash page when none is configured', async () => {
    const [family] = (await viewOf()).families;
    expect(family).not.toHaveProperty('unleashUiUrl');
  });
});

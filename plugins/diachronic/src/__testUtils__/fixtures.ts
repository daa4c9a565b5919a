import type { Entity } from '@backstage/catalog-model';
import type { DeploymentPhase, DeploymentState, FamilyView } from '@diachronic/backstage-plugin-diachronic-common';
import { DIACHRONIC_WORKFLOWS_ANNOTATION } from '@diachronic/backstage-plugin-diachronic-common';
import type { DiachronicApi } from '../api';

export const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders', namespace: 'default', annotations: { [DIACHRONIC_WORKFLOWS_ANNOTATION]: 'order' } },
  spec: { owner: 'group:default/payments', type: 'service', lifecycle: 'production' },
};

export const entityRef = 'component:default/orders';

const version = (versionId: string, seq: number) => ({
  family: 'order',
  versionId,
  seq,
  taskQueue: `order@${versionId}`,
  flag: `diachronic.order.v${String(seq).padStart(6, '0')}.${versionId}`,
});

/** A deployment of `order` from 1111111 to 2222222 in the given phase, with phase-appropriate state. */
export function deploymentIn(phase: DeploymentPhase, overrides: Partial<DeploymentState> = {}): DeploymentState {
  const rolling = phase === 'rolling_out' || phase === 'migrating' || phase === 'overridden';
  return {
    request: {
      family: 'order',
      versionId: '2222222',
      options: { dark: phase === 'dark', migratory: true },
      requestedBy: { who: 'user:default/ada', why: 'release' },
      source: { kind: 'manual' },
    },
    phase,
    version: version('2222222', 1),
    previous: version('1111111', 0),
    livePercent: rolling ? 30 : 0,
    step: rolling
      ? {
          index: 3,
          count: 10,
          percent: 30,
          nextAt: '2026-11-26T10:04:00.000Z',
          eta: '2026-11-26T10:11:00.000Z',
          paused: false,
        }
      : undefined,
    migration:
      phase === 'migrating'
        ? { signaled: 120, remaining: 45, stage: 'sweeping', lastSweepAt: '2026-11-26T10:03:30.000Z' }
        : undefined,
    startedAt: '2026-11-26T10:00:00.000Z',
    events: [
      {
        at: '2026-11-26T10:00:00.000Z',
        who: 'user:default/ada',
        action: 'request',
        why: 'release',
        detail: 'manual request of 2222222',
      },
    ],
    ...overrides,
  };
}

export function familyView(overrides: Partial<FamilyView> = {}): FamilyView {
  return {
    family: 'order',
    versions: [
      {
        versionId: '2222222',
        seq: 1,
        taskQueue: 'order@2222222',
        flag: 'diachronic.order.v000001.2222222',
        status: 'live',
        livePercent: 30,
        darkEnabled: true,
      },
      {
        versionId: '1111111',
        seq: 0,
        taskQueue: 'order@1111111',
        flag: 'diachronic.order.v000000.1111111',
        status: 'live',
        livePercent: 100,
        darkEnabled: false,
      },
    ],
    queue: [],
    cancelled: [],
    history: [],
    ...overrides,
  };
}

/** A DiachronicApi whose every method is a jest mock; pass the ones a test needs. */
export function fakeApi(overrides: Partial<DiachronicApi> = {}): jest.Mocked<DiachronicApi> {
  const unexpected = (name: string) => jest.fn(() => Promise.reject(new Error(`unexpected call to ${name}`)));
  return {
    listDeployments: unexpected('listDeployments'),
    getEntityFamilies: unexpected('getEntityFamilies'),
    getDeployment: unexpected('getDeployment'),
    promote: unexpected('promote'),
    override: unexpected('override'),
    pause: unexpected('pause'),
    resume: unexpected('resume'),
    abort: unexpected('abort'),
    cancel: unexpected('cancel'),
    startDeployment: unexpected('startDeployment'),
    freezeFamilies: unexpected('freezeFamilies'),
    unfreezeFamilies: unexpected('unfreezeFamilies'),
    ...overrides,
  } as jest.Mocked<DiachronicApi>;
}

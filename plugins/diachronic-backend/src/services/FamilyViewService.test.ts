import { withdrawnRequests } from './FamilyViewService';

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

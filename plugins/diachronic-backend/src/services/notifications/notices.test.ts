import type { DeploymentState } from '@diachronic/contract';
import { noticesFor, seenOf } from './notices';

const base: DeploymentState = {
  request: {
    family: 'order',
    versionId: '0000002',
    options: { dark: true, migratory: true },
    requestedBy: { who: 'user:default/ada' },
    source: { kind: 'manual' },
  } as DeploymentState['request'],
  phase: 'preparing',
  livePercent: 0,
  startedAt: '2026-12-05T10:00:00Z',
  events: [],
};
const state = (patch: Partial<DeploymentState>): DeploymentState => ({ ...base, ...patch });
const kinds = (before: DeploymentState | undefined, after: DeploymentState) =>
  noticesFor('order', after, before && seenOf(before)).map(notice => notice.kind);

describe('noticesFor', () => {
  it('tells of entering dark, aborted, failed and completed once each', () => {
    const dark = state({ phase: 'dark' });
    expect(kinds(state({}), dark)).toEqual(['dark']);
    expect(kinds(dark, dark)).toEqual([]);
    expect(kinds(dark, state({ phase: 'aborted', reason: 'aborted by diachronic (health gate): 12% failed' }))).toEqual(['aborted']);
    expect(kinds(state({ phase: 'rolling_out' }), state({ phase: 'failed', reason: 'boom' }))).toEqual(['failed']);
    expect(kinds(state({ phase: 'migrating' }), state({ phase: 'completed', livePercent: 100 }))).toEqual(['completed']);
    // Ended by an override: the override's own notice told of it.
    expect(kinds(state({ phase: 'rolling_out' }), state({ phase: 'overridden', livePercent: 40 }))).toEqual([]);
  });

  it('says why an abort happened, and who overrode to what with the reason typed', () => {
    const aborted = noticesFor('order', state({ phase: 'aborted', reason: 'aborted by user:default/ada: error rate doubled' }), seenOf(state({ phase: 'rolling_out' })));
    expect(aborted).toEqual([
      expect.objectContaining({ title: 'order 0000002 aborted', description: 'aborted by user:default/ada: error rate doubled', severity: 'high' }),
    ]);
    const override = { at: '2026-12-05T10:05:00Z', who: 'user:default/ada', action: 'override', why: 'customer demo', detail: '60%' };
    const before = state({ phase: 'rolling_out' });
    const after = state({ phase: 'rolling_out', events: [override] });
    expect(noticesFor('order', after, seenOf(before))).toEqual([
      expect.objectContaining({ kind: 'overridden', title: 'order 0000002 overridden by user:default/ada: 60%', description: 'customer demo' }),
    ]);
    // A second override is a notice of its own (its own scope), the first is not told again.
    const twice = noticesFor('order', state({ phase: 'rolling_out', events: [override, { ...override, detail: '80%' }] }), seenOf(after));
    expect(twice.map(notice => [notice.title, notice.scope])).toEqual([
      ['order 0000002 overridden by user:default/ada: 80%', 'diachronic:order:0000002:override-2'],
    ]);
  });

  it('on the first look tells only of the phase it is in, never the history before', () => {
    const override = { at: '2026-12-05T10:05:00Z', who: 'user:default/ada', action: 'override', why: 'x', detail: '60%' };
    expect(kinds(undefined, state({ phase: 'rolling_out', events: [override] }))).toEqual([]);
    expect(kinds(undefined, state({ phase: 'dark' }))).toEqual(['dark']);
    expect(kinds(undefined, state({ phase: 'aborted' }))).toEqual(['aborted']);
  });

  it('tells of stragglers when the first are found', () => {
    const migrating = state({ phase: 'migrating', migration: { signaled: 10, remaining: 2, stage: 'sweeping' } });
    const report = {
      checkedAt: '2026-12-05T10:30:00Z',
      olderThanMs: 600_000,
      method: 'acknowledged sample' as const,
      toldStillRunning: 2,
      sampled: 2,
      unanswered: 0,
      stragglers: [{ workflowId: 'order-7', runId: 'r', toldAt: '2026-12-05T10:10:00Z', blockedBy: ['not at a safe point'] }],
    };
    const found = state({ phase: 'migrating', migration: { signaled: 10, remaining: 2, stage: 'sweeping', stragglers: report } });
    const notices = noticesFor('order', found, seenOf(migrating));
    expect(notices.map(notice => notice.kind)).toEqual(['stragglers']);
    expect(notices[0].description).toContain('order-7');
    expect(kinds(found, found)).toEqual([]);
  });
});

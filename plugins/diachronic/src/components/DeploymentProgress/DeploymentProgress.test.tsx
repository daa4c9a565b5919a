import { renderInTestApp } from '@backstage/test-utils';
import { act, screen, within } from '@testing-library/react';
import type { GateEvaluation, GateState, StragglerReport } from '@diachronic/backstage-plugin-diachronic-common';
import { deploymentIn } from '../../__testUtils__/fixtures';
import { DeploymentProgress } from './DeploymentProgress';

describe('DeploymentProgress', () => {
  it('shows a dark deployment waiting for promote', async () => {
    await renderInTestApp(<DeploymentProgress deployment={deploymentIn('dark')} />);
    expect(screen.getByText('Dark')).toBeInTheDocument();
    expect(screen.getByTestId('from-to')).toHaveTextContent('1111111 (#0) → 2222222 (#1)');
    expect(screen.getByText(/only test traffic/)).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '0');
  });

  it('shows a rollout with its steps and ETA', async () => {
    await renderInTestApp(<DeploymentProgress deployment={deploymentIn('rolling_out')} />);
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '30');
    expect(screen.getByTestId('step-summary')).toHaveTextContent(/^Step 3\/10 at 30% · next step .* · ETA /);
    expect(screen.getByText('current')).toBeInTheDocument();
    expect(screen.getByText(/^next /)).toBeInTheDocument();
  });

  it("labels the steps with the schedule's percentages, the family's when the request has none", async () => {
    const schedule = Array.from({ length: 10 }, (_, i) => ({ percent: (i + 1) * 10, pauseMs: 60_000 }));
    await renderInTestApp(<DeploymentProgress deployment={deploymentIn('rolling_out')} schedule={schedule} />);
    for (const percent of [10, 50, 100]) expect(screen.getByText(`${percent}%`)).toBeInTheDocument();
    expect(screen.queryByText('Step 1')).toBeNull();
  });

  it('counts down to the next step every second, between polls', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-26T10:03:35.000Z'), advanceTimers: true });
    try {
      await renderInTestApp(<DeploymentProgress deployment={deploymentIn('rolling_out')} />);
      expect(screen.getByTestId('step-summary')).toHaveTextContent('next step in 25 s');
      await act(async () => {
        jest.advanceTimersByTime(3_000);
      });
      expect(screen.getByTestId('step-summary')).toHaveTextContent('next step in 22 s');
    } finally {
      jest.useRealTimers();
    }
  });

  it('stops promising a next step once an override took the rollout off its schedule', async () => {
    const deployment = deploymentIn('rolling_out', { livePercent: 100 });
    await renderInTestApp(<DeploymentProgress deployment={deployment} />);
    expect(screen.getByTestId('step-summary')).toHaveTextContent(/^Step 3\/10 at 30% · overridden: live at 100%$/);
    expect(screen.getByText('last applied')).toBeInTheDocument();
    expect(screen.queryByText(/^next /)).toBeNull();
  });

  it('shows a paused rollout without ETA', async () => {
    const deployment = deploymentIn('rolling_out');
    deployment.step = { ...deployment.step!, paused: true, nextAt: undefined, eta: undefined };
    await renderInTestApp(<DeploymentProgress deployment={deployment} />);
    expect(screen.getByText('Rolling out (paused)')).toBeInTheDocument();
    expect(screen.getByTestId('step-summary')).not.toHaveTextContent('ETA');
  });

  it('shows migration progress against the old queue', async () => {
    await renderInTestApp(<DeploymentProgress deployment={deploymentIn('migrating')} />);
    expect(screen.getByTestId('migration-counts')).toHaveTextContent(/^120 signaled · 45 still on the old queue$/);
    expect(screen.getByTestId('migration')).toHaveTextContent('old queue order@1111111');
    expect(screen.queryByRole('progressbar', { name: 'workflows moved' })).toBeNull();
    expect(screen.queryByTestId('retire-refused')).not.toBeInTheDocument();
  });

  it('shows how many moved of the total, and the share, where the migration counts who moved', async () => {
    const deployment = deploymentIn('migrating');
    deployment.migration = { ...deployment.migration!, signaled: 34, moved: 30, remaining: 44 };
    await renderInTestApp(<DeploymentProgress deployment={deployment} />);
    expect(screen.getByTestId('migration-counts')).toHaveTextContent(/^30 of 74 moved \(40%\) · 34 signaled · 44 still on the old queue$/);
    expect(screen.getByRole('progressbar', { name: 'workflows moved' })).toHaveAttribute('aria-valuenow', '40');
  });

  it('says how long a deployment has run and links its workflow in Temporal', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-26T10:08:00.000Z'), advanceTimers: true });
    try {
      await renderInTestApp(<DeploymentProgress deployment={deploymentIn('rolling_out')} temporalUiUrl="http://temporal.example/namespaces/default" />);
      expect(screen.getByTestId('requested')).toHaveTextContent(
        `requested by user:default/ada · started ${new Date('2026-11-26T10:00:00.000Z').toLocaleString()} (running 8 min) · its workflow in Temporal`,
      );
      expect(screen.getByRole('link', { name: 'its workflow in Temporal' })).toHaveAttribute(
        'href',
        `http://temporal.example/namespaces/default/workflows?query=${encodeURIComponent('WorkflowId = "diachronic/order/2222222"')}`,
      );
    } finally {
      jest.useRealTimers();
    }
    await renderInTestApp(<DeploymentProgress deployment={deploymentIn('completed', { endedAt: '2026-11-26T10:30:00.000Z' })} />);
    expect(screen.getAllByTestId('requested').at(-1)).toHaveTextContent(/ · ended .+ \(took 30 min\)$/);
  });

  it('says when a deployment waits for its deploy window', async () => {
    const deployment = deploymentIn('rolling_out', { waitingForWindow: { opensAt: '2026-11-30T08:00:00.000Z' } });
    await renderInTestApp(<DeploymentProgress deployment={deployment} />);
    expect(screen.getByTestId('waiting-for-window')).toHaveTextContent(
      `Outside its deploy windows: steps and waves hold until ${new Date('2026-11-30T08:00:00.000Z').toLocaleString()}.`,
    );
  });

  it('says why the old version is not retired', async () => {
    const deployment = deploymentIn('cleaning_up');
    deployment.migration = {
      signaled: 165,
      remaining: 0,
      stage: 'sweeping',
      retireRefused: 'order@1111111 is kept: schedule order-nightly still starts workflows there',
    };
    await renderInTestApp(<DeploymentProgress deployment={deployment} />);
    expect(screen.getByTestId('retire-refused')).toHaveTextContent(
      'The old version is not retired yet: order@1111111 is kept: schedule order-nightly still starts workflows there',
    );
  });

  describe('the upgrade dry run and the waves', () => {
    it('names the old workflows the new version could not upgrade, with the error and the shape of their state', async () => {
      const deployment = deploymentIn('completed');
      deployment.migration = {
        signaled: 0,
        remaining: 340,
        stage: 'stopped',
        dryRun: {
          at: '2026-11-26T10:01:00.000Z',
          outcome: 'failed',
          running: 340,
          sampled: 20,
          passed: 19,
          failed: 1,
          unchecked: 0,
          failures: [
            { workflowId: 'order-7', runId: 'r7', workflowType: 'order', error: 'TypeError: no payment', stateShape: '{ orderId: string, paymentRef: null }' },
          ],
          notChecked: [],
          reason: 'the upgrade of order@2222222 failed on 1 of 20 sampled workflows',
        },
      };
      await renderInTestApp(<DeploymentProgress deployment={deployment} temporalUiUrl="http://temporal.example/namespaces/default" />);
      expect(screen.getByTestId('migration')).toHaveTextContent(/^Migration: stopped before telling anyone/);
      expect(screen.getByTestId('dry-run')).toHaveTextContent(
        'Upgrade dry run failed: 1 of 20 sampled old workflows (of 340) do not upgrade; nobody was told to migrate',
      );
      const failure = within(screen.getByRole('list', { name: 'upgrade failures' })).getByRole('listitem');
      expect(failure).toHaveTextContent('order-7order: TypeError: no payment · state { orderId: string, paymentRef: null }');
      expect(within(failure).getByRole('link', { name: 'order-7' })).toHaveAttribute('href', expect.stringContaining('/workflows/order-7/r7'));
    });

    it('says when the upgrade was not checked, and where the waves stand', async () => {
      const deployment = deploymentIn('migrating');
      deployment.migration = {
        ...deployment.migration!,
        signaled: 20,
        dryRun: {
          at: '2026-11-26T10:01:00.000Z',
          outcome: 'not checked',
          running: 165,
          sampled: 20,
          passed: 0,
          failed: 0,
          unchecked: 20,
          failures: [],
          notChecked: [{ workflowId: '*', reason: 'no worker took the check' }],
          reason: 'the upgrade was not checked (20 of 20 sampled workflows): no worker took the check',
        },
        wave: { index: 2, count: 5, percent: 10, stage: 'baking', target: 20, allowed: 200, nextAt: '2026-11-26T10:06:00.000Z' },
      };
      await renderInTestApp(<DeploymentProgress deployment={deployment} />);
      expect(screen.getByTestId('dry-run')).toHaveTextContent('Upgrade dry run not checked: the upgrade was not checked (20 of 20 sampled workflows): no worker took the check');
      expect(screen.getByTestId('waves')).toHaveTextContent(
        /^Wave 2\/5 \(10% of what routing lets move\): 20 of 20 told · routing lets 200 move · baking until .*: the moved workflows run on the new version before the next wave$/,
      );
    });
  });

  describe('stragglers', () => {
    const report: StragglerReport = {
      checkedAt: '2026-11-26T10:30:00.000Z',
      olderThanMs: 600_000,
      method: 'acknowledged sample',
      toldStillRunning: 80,
      sampled: 50,
      unanswered: 1,
      stragglers: [
        { workflowId: 'order/881', runId: 'run-a', toldAt: '2026-11-26T10:02:00.000Z', blockedBy: ['charging the card'] },
        { workflowId: 'order/903', runId: 'run-b', toldAt: '2026-11-26T10:05:00.000Z', blockedBy: [] },
      ],
    };
    const migrating = (stragglers: StragglerReport) => {
      const deployment = deploymentIn('migrating');
      deployment.migration = { ...deployment.migration!, stragglers };
      return deployment;
    };

    it('lists them oldest first with why each has not moved, linked to the Temporal UI', async () => {
      await renderInTestApp(
        <DeploymentProgress deployment={migrating(report)} temporalUiUrl="http://temporal.example/namespaces/default" />,
      );
      const section = screen.getByTestId('stragglers');
      expect(section).toHaveTextContent('Stragglers: told over 10 min ago and still on the old queue (50 of 80 told and still running asked) · 1 did not answer');
      const items = within(screen.getByRole('list', { name: 'stragglers' })).getAllByRole('listitem');
      expect(items.map(item => item.textContent)).toEqual([
        expect.stringMatching(/^order\/881told .* · charging the card$/),
        expect.stringMatching(/^order\/903told .* · no reason given$/),
      ]);
      expect(screen.getByRole('link', { name: 'order/881' })).toHaveAttribute(
        'href',
        'http://temporal.example/namespaces/default/workflows/order%2F881/run-a/history',
      );
    });

    it('says when there are none, and when the namespace cannot tell who was told', async () => {
      const { unmount } = await renderInTestApp(<DeploymentProgress deployment={migrating({ ...report, stragglers: [], sampled: 80, unanswered: 0 })} />);
      expect(screen.getByTestId('stragglers')).toHaveTextContent('No stragglers: none told over 10 min ago still runs on the old queue');
      unmount();
      await renderInTestApp(
        <DeploymentProgress deployment={migrating({ ...report, method: 'not checked: the namespace lacks DiachronicMigrationRequested', stragglers: [] })} />,
      );
      expect(screen.getByTestId('stragglers')).toHaveTextContent('Stragglers not checked: the namespace lacks DiachronicMigrationRequested');
    });
  });

  it('shows why an overridden or aborted deployment stopped', async () => {
    await renderInTestApp(
      <DeploymentProgress
        deployment={deploymentIn('overridden', {
          reason: 'live was 50%, set by user:default/bob',
          endedAt: '2026-11-26T10:05:00.000Z',
        })}
      />,
    );
    expect(screen.getByText('Overridden')).toBeInTheDocument();
    expect(screen.getByTestId('reason')).toHaveTextContent('live was 50%, set by user:default/bob');
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
  });

  describe('the health gate', () => {
    const evaluation = (at: string, passed: boolean, extra: Partial<GateEvaluation> = {}): GateEvaluation => ({
      at,
      since: '2026-11-26T10:00:00.000Z',
      trigger: 'interval',
      passed,
      started: 31,
      failed: passed ? 0 : 2,
      workflowTaskFailures: 0,
      method: 'reported-problems+sample',
      sampled: 20,
      failedExamples: [],
      workflowTaskFailureExamples: [],
      calls: 24,
      ...extra,
    });
    const gate = (evaluations: GateEvaluation[]): GateState => ({
      policy: { maxFailedPercent: 5, minSamples: 10, maxWorkflowTaskFailures: 0, intervalMs: 30_000, onFailure: 'abort' },
      evaluations,
    });

    it('shows the latest verdict with what was measured, the limits and the recent evaluations', async () => {
      const deployment = deploymentIn('rolling_out', {
        gate: gate([evaluation('2026-11-26T10:01:00.000Z', true, { trigger: 'before step' }), evaluation('2026-11-26T10:01:30.000Z', true)]),
      });
      await renderInTestApp(<DeploymentProgress deployment={deployment} />);
      const section = screen.getByTestId('health-gate');
      expect(section).toHaveTextContent(/^Health gate: passing · /);
      expect(screen.getByTestId('health-gate-last')).toHaveTextContent('31 started · 0 failed · 0 failing their workflow task');
      expect(section).toHaveTextContent('limits: 5% failed (from 10 samples), 0 workflow task failures · on failure: abort · every 30 s, before each step');
      const rows = screen.getAllByRole('listitem');
      expect(rows).toHaveLength(2);
      expect(rows[1]).toHaveTextContent(/before step · passed/);
    });

    it('shows a failed evaluation with its reason', async () => {
      const reason = "2 of 31 workflows on order@2222222 failed in 4 min (6.5%, limit 5%): order-881 failed 'card declined'";
      const deployment = deploymentIn('aborted', {
        reason: `aborted by diachronic (health gate): ${reason}`,
        gate: gate([evaluation('2026-11-26T10:04:00.000Z', false, { reason })]),
      });
      await renderInTestApp(<DeploymentProgress deployment={deployment} />);
      expect(screen.getByTestId('health-gate')).toHaveTextContent(/^Health gate: failed · /);
      expect(screen.getByTestId('health-gate-last')).toHaveTextContent(reason);
    });

    it('is absent when the deployment has no gate', async () => {
      await renderInTestApp(<DeploymentProgress deployment={deploymentIn('rolling_out')} />);
      expect(screen.queryByTestId('health-gate')).not.toBeInTheDocument();
    });

    it('says who holds a migration', async () => {
      const deployment = deploymentIn('migrating');
      deployment.migration = { ...deployment.migration!, held: true };
      deployment.events.push({ at: '2026-11-26T10:05:00.000Z', who: 'diachronic (health gate)', action: 'hold', why: '3 of 12 failed' });
      await renderInTestApp(<DeploymentProgress deployment={deployment} />);
      expect(screen.getByTestId('migration')).toHaveTextContent('Migration: held by diachronic (health gate); resume to go on');
    });
  });
});

import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import type { DeploymentState } from '@diachronic/backstage-plugin-diachronic-common';
import { deploymentIn } from '../../__testUtils__/fixtures';
import { DeploymentChart } from './DeploymentChart';
import { chartData } from './chartData';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 5, 10, minute)).toISOString();

function aborted(): DeploymentState {
  const deployment = deploymentIn('aborted');
  return {
    ...deployment,
    startedAt: at(0),
    endedAt: at(30),
    timeline: [
      { at: at(0), livePercent: 0 },
      { at: at(5), livePercent: 10 },
      { at: at(10), livePercent: 50, oldRunning: 40 },
      { at: at(15), livePercent: 50, oldRunning: 20 },
      { at: at(20), livePercent: 0, oldRunning: 20 },
    ],
    events: [
      { at: at(0), who: 'github', action: 'request' },
      { at: at(8), who: 'alice', action: 'pause', why: 'checking a dashboard' },
      { at: at(9), who: 'alice', action: 'resume' },
      { at: at(20), who: 'bob', action: 'abort', why: 'orders fail' },
    ],
    gate: {
      policy: deployment.gate?.policy ?? ({} as never),
      evaluations: [
        { at: at(12), since: at(0), trigger: 'interval', passed: true, started: 10, failed: 0, workflowTaskFailures: 0, examples: [] } as never,
        { at: at(19), since: at(0), trigger: 'interval', passed: false, reason: '30% failed', started: 10, failed: 3, workflowTaskFailures: 0, examples: [] } as never,
      ],
    },
  };
}

describe('chartData', () => {
  it('draws the timeline held to the end, and marks the operators’ actions and failed gate evaluations in time order', () => {
    const { points, markers } = chartData(aborted(), Date.parse(at(60)));
    expect(points.map(point => [point.t, point.livePercent, point.oldRunning])).toEqual([
      [Date.parse(at(0)), 0, undefined],
      [Date.parse(at(5)), 10, undefined],
      [Date.parse(at(10)), 50, 40],
      [Date.parse(at(15)), 50, 20],
      [Date.parse(at(20)), 0, 20],
      // Held to its end, not to now: it ended.
      [Date.parse(at(30)), 0, 20],
    ]);
    expect(markers.map(marker => [marker.label, marker.tone])).toEqual([
      ['pause', 'hold'],
      ['resume', 'ok'],
      ['gate failed', 'stop'],
      ['abort', 'stop'],
    ]);
    expect(markers[0].title).toBe('pause by alice · why: checking a dashboard');
    expect(markers[2].title).toBe('health gate failed: 30% failed');
  });

  it('carries a running deployment’s last values to now', () => {
    const running = { ...aborted(), phase: 'rolling_out' as const, endedAt: undefined };
    const { points } = chartData(running, Date.parse(at(25)));
    expect(points[points.length - 1]).toEqual({ t: Date.parse(at(25)), livePercent: 0, oldRunning: 20 });
  });
});

describe('DeploymentChart', () => {
  it('renders the live percentage and the old queue, with a labelled marker per action', async () => {
    await renderInTestApp(<DeploymentChart deployment={aborted()} />);
    const chart = screen.getByTestId('deployment-chart');
    expect(chart).toHaveAttribute('aria-label', expect.stringMatching(/^Live percentage over time, 0% to 0%; pause at .+, resume at .+, gate failed at .+, abort at .+$/));
    const markers = screen.getAllByTestId('chart-marker');
    expect(markers.map(marker => marker.getAttribute('data-marker'))).toEqual(['pause', 'resume', 'gate failed', 'abort']);
    // Each says who and why on hover.
    expect(markers.map(marker => marker.querySelector('title')?.textContent)).toEqual([
      'pause by alice · why: checking a dashboard',
      'resume by alice',
      'health gate failed: 30% failed',
      'abort by bob · why: orders fail',
    ]);
    expect(screen.getByText('Live %')).toBeInTheDocument();
    expect(screen.getByText('Running on the old queue')).toBeInTheDocument();
  });

  it('says when the deployment recorded no timeline', async () => {
    await renderInTestApp(<DeploymentChart deployment={{ ...aborted(), timeline: undefined }} />);
    expect(screen.getByText(/No timeline recorded/)).toBeInTheDocument();
  });
});

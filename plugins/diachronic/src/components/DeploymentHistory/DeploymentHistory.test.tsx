import { useState } from 'react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { DeploymentHistoryEntry } from '@diachronic/backstage-plugin-diachronic-common';
import userEvent from '@testing-library/user-event';
import { diachronicApiRef } from '../../api';
import { screen, within } from '@testing-library/react';
import { deploymentIn, fakeApi } from '../../__testUtils__/fixtures';
import { DeploymentHistory } from './DeploymentHistory';
import { EventsTimeline } from './EventsTimeline';

describe('DeploymentHistory', () => {
  it('lists past deployments with the reason they ended', async () => {
    await renderInTestApp(
      <DeploymentHistory
        history={[
          {
            workflowId: 'diachronic/order/2222222',
            runId: 'r2',
            versionId: '2222222',
            previousVersionId: '1111111',
            phase: 'aborted',
            livePercent: 0,
            status: 'completed',
            startedAt: '2026-11-26T10:00:00.000Z',
            endedAt: '2026-11-26T10:05:00.000Z',
            reason: 'error rate',
          },
        ]}
      />,
    );
    const row = screen.getByText('2222222').closest('tr')!;
    expect(within(row).getByText('Aborted')).toBeInTheDocument();
    expect(within(row).getByText('error rate')).toBeInTheDocument();
    expect(within(row).getByTestId('took')).toHaveTextContent('took 5 min');
  });

  it('opens a row to the chart and events of that deployment', async () => {
    const deployment = deploymentIn('aborted', {
      events: [
        ...deploymentIn('aborted').events,
        { at: '2026-11-26T10:04:00.000Z', who: 'user:default/bob', action: 'abort', why: 'error rate' },
      ],
      timeline: [
        { at: '2026-11-26T10:00:00.000Z', livePercent: 0 },
        { at: '2026-11-26T10:02:00.000Z', livePercent: 30 },
        { at: '2026-11-26T10:04:00.000Z', livePercent: 0 },
      ],
    });
    const api = fakeApi({ getDeployment: jest.fn(async () => deployment) });
    const entityRef = { kind: 'Component', namespace: 'default', name: 'orders' };
    await renderInTestApp(
      <TestApiProvider apis={[[diachronicApiRef, api]]}>
        <DeploymentHistory
          history={[
            {
              workflowId: 'diachronic/order/2222222',
              runId: 'r2',
              versionId: '2222222',
              phase: 'aborted',
              status: 'completed',
              startedAt: '2026-11-26T10:00:00.000Z',
            },
          ]}
          events={{ entityRef, family: 'order' }}
        />
      </TestApiProvider>,
    );
    await userEvent.click(screen.getByText('2222222'));
    expect(await screen.findByRole('list', { name: 'events' })).toHaveTextContent('why: error rate');
    expect(screen.getByTestId('deployment-chart')).toHaveAttribute('aria-label', expect.stringContaining('0% to 0%; abort at'));
    expect(api.getDeployment).toHaveBeenCalledWith(entityRef, 'order', '2222222');
  });

  it('keeps an opened row open when new history arrives', async () => {
    const api = fakeApi({ getDeployment: jest.fn(async () => deploymentIn('rolling_out')) });
    const entityRef = { kind: 'Component', namespace: 'default', name: 'orders' };
    const entry = (livePercent: number): DeploymentHistoryEntry => ({
      workflowId: 'diachronic/order/2222222',
      runId: 'r2',
      versionId: '2222222',
      phase: 'rolling_out',
      livePercent,
      status: 'running',
      startedAt: '2026-11-26T10:00:00.000Z',
    });
    // What a poll does: a new array of new objects, one value changed.
    function Polled() {
      const [history, setHistory] = useState([entry(10)]);
      return (
        <>
          <button onClick={() => setHistory([entry(20)])}>poll</button>
          <DeploymentHistory history={history} events={{ entityRef, family: 'order' }} />
        </>
      );
    }
    await renderInTestApp(
      <TestApiProvider apis={[[diachronicApiRef, api]]}>
        <Polled />
      </TestApiProvider>,
    );
    await userEvent.click(screen.getByText('2222222'));
    const timeline = await screen.findByRole('list');
    await userEvent.click(screen.getByRole('button', { name: 'poll' }));
    expect(await screen.findByText('live 20%')).toBeInTheDocument();
    expect(screen.getByRole('list')).toBe(timeline);
  });

  it('says when there is none', async () => {
    await renderInTestApp(<DeploymentHistory history={[]} />);
    expect(screen.getByText('No deployment yet.')).toBeInTheDocument();
  });
});

describe('EventsTimeline', () => {
  it('shows who, what, why and when', async () => {
    const events = [
      ...deploymentIn('rolling_out').events,
      { at: '2026-11-26T10:02:00.000Z', who: 'user:default/bob', action: 'pause', why: 'watching latency' },
    ];
    await renderInTestApp(<EventsTimeline events={events} />);
    const items = screen.getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[1]).toHaveTextContent(/pause by user:default\/bob.*why: watching latency/);
    // Long events wrap: Backstage's theme keeps a list item's text to one clipped line.
    expect(items[1].firstElementChild).toHaveStyle({ whiteSpace: 'normal' });
  });
});

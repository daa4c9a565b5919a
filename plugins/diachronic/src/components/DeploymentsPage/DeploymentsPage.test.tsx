import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type { DeploymentListResponse, FamilyDeploymentSummary } from '@diachronic/backstage-plugin-diachronic-common';
import { fakeApi } from '../../__testUtils__/fixtures';
import { diachronicApiRef, DiachronicApi } from '../../api';
import { DeploymentsPage } from './DeploymentsPage';

const row = (family: string, overrides: Partial<FamilyDeploymentSummary> = {}): FamilyDeploymentSummary => ({
  family,
  entityRef: `component:default/${family}-service`,
  owner: 'group:default/payments',
  queueLength: 0,
  latest: {
    workflowId: `diachronic/${family}/2222222`,
    runId: 'r',
    versionId: '2222222',
    previousVersionId: '1111111',
    phase: 'completed',
    livePercent: 100,
    status: 'completed',
    startedAt: '2026-11-26T10:00:00.000Z',
  },
  ...overrides,
});

const list = (items: FamilyDeploymentSummary[]): DeploymentListResponse => ({
  items,
  totalCount: items.length,
  offset: 0,
  limit: 1000,
});

async function render(api: DiachronicApi) {
  await renderInTestApp(
    <TestApiProvider apis={[[diachronicApiRef, api]]}>
      <DeploymentsPage />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('DeploymentsPage', () => {
  const rows = [
    row('order', {
      queueLength: 2,
      latest: { ...row('order').latest!, phase: 'rolling_out', livePercent: 40, status: 'running' },
    }),
    row('billing'),
    row('shipping', { latest: undefined, owner: undefined }),
  ];

  it('lists every family with owner, version, phase, percentage, queue and a link to its Rollout tab', async () => {
    await render(fakeApi({ listDeployments: jest.fn(async () => list(rows)) }));
    const order = (await screen.findByRole('link', { name: 'order' })).closest('tr')!;
    expect(screen.getByRole('link', { name: 'order' })).toHaveAttribute(
      'href',
      '/catalog/default/component/order-service/rollout',
    );
    expect(within(order).getByText('Rolling out')).toBeInTheDocument();
    // The split of new workflows, as routing makes it: the old version keeps what the new one does not take.
    expect(within(order).getByTestId('serving')).toHaveTextContent('1111111 60% · 2222222 40%');
    expect(within(screen.getByRole('link', { name: 'billing' }).closest('tr')!).getByTestId('serving')).toHaveTextContent(/^2222222 100%$/);
    expect(within(order).getByTestId('queued')).toHaveTextContent('2 queued');
    expect(within(screen.getByRole('link', { name: 'billing' }).closest('tr')!).queryByTestId('queued')).toBeNull();
    expect(within(order).getByText('payments')).toBeInTheDocument();
    expect(
      within(screen.getByRole('link', { name: 'shipping' }).closest('tr')!).getByText('never deployed'),
    ).toBeInTheDocument();
  });

  it('says that a family whose new version waits in dark still serves the old one, and where test traffic goes', async () => {
    const dark = row('order', { latest: { ...row('order').latest!, phase: 'dark', livePercent: 0, status: 'running' } });
    await render(fakeApi({ listDeployments: jest.fn(async () => list([dark])) }));
    const order = (await screen.findByRole('link', { name: 'order' })).closest('tr')!;
    expect(within(order).getByTestId('serving')).toHaveTextContent(/^1111111 100%$/);
    expect(within(order).getByText('test workflows → 2222222')).toBeInTheDocument();
  });

  it('marks a family whose health gate failed, with the reason', async () => {
    const reason = "2 of 31 workflows on order@3f9c2ab failed in 4 min (limit 5%): order-881 'TypeError: x'";
    const gated = row('order', {
      latest: { ...row('order').latest!, phase: 'aborted', livePercent: 0, gateFailure: { at: '2026-11-26T10:04:00.000Z', reason } },
    });
    await render(fakeApi({ listDeployments: jest.fn(async () => list([gated, row('billing')])) }));
    const order = (await screen.findByRole('link', { name: 'order' })).closest('tr')!;
    expect(within(order).getByTestId('gate-failed')).toHaveAccessibleName(expect.stringContaining(reason));
    const billing = screen.getByRole('link', { name: 'billing' }).closest('tr')!;
    expect(within(billing).queryByTestId('gate-failed')).toBeNull();
  });

  it('says what holds a running deployment, who asked, its step and ETA', async () => {
    const rolling = { ...row('order').latest!, phase: 'rolling_out' as const, livePercent: 40, status: 'running' as const };
    const paused = row('order', { latest: rolling, running: { requestedBy: 'user:default/ada', holds: ['paused', 'waiting for a window'], step: { index: 2, count: 4 } } });
    const moving = row('billing', {
      latest: rolling,
      running: { requestedBy: 'github:octocat', holds: [], step: { index: 1, count: 4 }, eta: '2026-11-26T11:00:00.000Z' },
    });
    await render(fakeApi({ listDeployments: jest.fn(async () => list([paused, moving])) }));
    const order = (await screen.findByRole('link', { name: 'order' })).closest('tr')!;
    expect(within(order).getByText('Rolling out (paused)')).toBeInTheDocument();
    expect(within(order).getByTestId('hold-waiting for a window')).toHaveTextContent('waiting for its window');
    expect(within(order).getByTestId('running-detail')).toHaveTextContent(/^by user:default\/ada · step 2\/4$/);
    const billing = screen.getByRole('link', { name: 'billing' }).closest('tr')!;
    expect(within(billing).getByText('Rolling out')).toBeInTheDocument();
    expect(within(billing).getByTestId('running-detail')).toHaveTextContent(
      `by github:octocat · step 1/4 · ETA ${new Date('2026-11-26T11:00:00.000Z').toLocaleString()}`,
    );
    expect(within(billing).getByTestId('started')).toHaveAttribute('title', new Date('2026-11-26T10:00:00.000Z').toLocaleString());
    expect(within(billing).getByTestId('started')).toHaveTextContent(/ ago$/);
  });

  it('keeps the ended deployments before the latest in sight, an aborted one with why on hover', async () => {
    const sha = '3f9c2ab0e1d2c3b4a5968778695a4b3c2d1e0f9a';
    const withEnded = row('order', {
      latest: { ...row('order').latest!, phase: 'dark', livePercent: 0, status: 'running' },
      recentEnded: [
        {
          workflowId: `diachronic/order/${sha}`,
          runId: 'r3',
          versionId: sha,
          phase: 'aborted',
          status: 'completed',
          startedAt: '2026-11-26T09:00:00.000Z',
          endedAt: '2026-11-26T09:30:00.000Z',
          reason: 'aborted by user:default/ada: error rate doubled',
        },
      ],
    });
    await render(fakeApi({ listDeployments: jest.fn(async () => list([withEnded])) }));
    const order = (await screen.findByRole('link', { name: 'order' })).closest('tr')!;
    const ended = within(order).getByTestId('recent-ended');
    expect(ended).toHaveTextContent(/^aborted 3f9c2ab · .+ ago$/);
    expect(ended).toHaveAttribute('title', 'aborted by user:default/ada: error rate doubled');
    // The short sha, the whole one on hover, and a button that copies it (on the latest version only).
    expect(within(ended).getByText('3f9c2ab')).toHaveAttribute('title', sha);
    expect(within(order).getByRole('button', { name: 'Copy 2222222' })).toBeInTheDocument();
    expect(within(order).queryByRole('button', { name: `Copy ${sha}` })).toBeNull();
  });

  it('keeps a long family name on one line, cut with an ellipsis, whole on hover', async () => {
    const long = 'payments.settlement-reconciliation.nightly-ledger-export-v2';
    await render(fakeApi({ listDeployments: jest.fn(async () => list([row(long)])) }));
    const name = within((await screen.findByRole('link', { name: long })).closest('tr')!).getByTestId('family');
    expect(name).toHaveAttribute('title', long);
    expect(name).toHaveStyle({ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' });
  });

  it('marks a frozen family', async () => {
    const frozen = row('billing', { freeze: { scope: 'family', who: 'user:default/ops', why: 'audit', at: '2026-11-26T10:00:00.000Z' } });
    await render(fakeApi({ listDeployments: jest.fn(async () => list([frozen, row('order')])) }));
    const billing = (await screen.findByRole('link', { name: 'billing' })).closest('tr')!;
    expect(within(billing).getByTestId('frozen')).toHaveTextContent('frozen');
    expect(within(screen.getByRole('link', { name: 'order' }).closest('tr')!).queryByTestId('frozen')).toBeNull();
  });

  it('sends phase, owner and text filters to the backend', async () => {
    const listDeployments = jest.fn(async () => list(rows));
    await render(fakeApi({ listDeployments }));
    await screen.findByRole('link', { name: 'order' });
    expect(listDeployments).toHaveBeenLastCalledWith({ limit: 1000 });

    await userEvent.click(screen.getByRole('button', { name: 'Phases' }));
    await userEvent.click(within(screen.getByRole('listbox')).getByText('Dark'));
    await userEvent.click(within(screen.getByRole('listbox')).getByText('Rolling out'));
    await userEvent.keyboard('{Escape}');
    // One change per field: typing re-renders the whole table per key, slow on a busy CI machine.
    fireEvent.change(screen.getByLabelText('Owner'), { target: { value: 'payments' } });
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: ' ord ' } });
    await waitFor(() =>
      expect(listDeployments).toHaveBeenLastCalledWith({
        limit: 1000,
        phase: ['dark', 'rolling_out'],
        owner: 'payments',
        q: 'ord',
      }),
    );
  });

  it('sorts by the new version\'s share of new workflows', async () => {
    await render(fakeApi({ listDeployments: jest.fn(async () => list(rows)) }));
    await screen.findByRole('link', { name: 'order' });
    const families = () =>
      screen.getAllByRole('link', { name: /^(order|billing|shipping)$/ }).map(link => link.textContent);
    expect(families()).toEqual(['billing', 'order', 'shipping']);
    await userEvent.click(screen.getByText('New workflows'));
    expect(families()).toEqual(['shipping', 'order', 'billing']);
  });

  it('keeps each row in place when a poll brings new data', async () => {
    const listDeployments = jest.fn(async () => list(rows));
    await render(fakeApi({ listDeployments }));
    const billing = await screen.findByRole('link', { name: 'billing' });
    // The list is live (order rolls out), so it is loaded again; the next answer has a new percentage.
    listDeployments.mockImplementation(async () =>
      list([row('order', { latest: { ...rows[0].latest!, livePercent: 50 } }), ...rows.slice(1)]),
    );
    const order = screen.getByRole('link', { name: 'order' }).closest('tr')!;
    await waitFor(() => expect(within(order).getByTestId('serving')).toHaveTextContent('1111111 50% · 2222222 50%'), { timeout: 30_000 });
    expect(screen.getByRole('link', { name: 'billing' })).toBe(billing);
  });

  it('shows an error with a retry', async () => {
    const listDeployments = jest
      .fn()
      .mockRejectedValueOnce(new Error('Temporal is unreachable'))
      .mockResolvedValue(list(rows));
    await render(fakeApi({ listDeployments }));
    expect((await screen.findAllByText(/Temporal is unreachable/)).length).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    // Loaded again (a poll may have come first on a slow machine): the list shows, the error is gone.
    expect(await screen.findByText('billing')).toBeInTheDocument();
    expect(listDeployments.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(screen.queryByText(/Temporal is unreachable/)).not.toBeInTheDocument();
  });
});

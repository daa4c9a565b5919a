import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { familyView } from '../../__testUtils__/fixtures';
import { useState } from 'react';
import userEvent from '@testing-library/user-event';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { splitOfVersions } from '@diachronic/backstage-plugin-diachronic-common';
import { VersionsTable } from './VersionsTable';

const rowOf = (versionId: string) => screen.getByText(versionId, { selector: 'code' }).closest('tr')!;

describe('VersionsTable', () => {
  it("shows each version's share of new workflows as routing splits them, not its flag's percentage", async () => {
    const versions = familyView().versions;
    versions.push({
      versionId: '0000aaa',
      seq: -1,
      taskQueue: 'order@0000aaa',
      flag: 'diachronic.order.v000000.0000aaa',
      status: 'aborted',
      livePercent: 0,
      darkEnabled: false,
      aborted: { who: 'user:default/ada', why: 'error rate', at: '2026-11-26T09:00:00.000Z' },
    });
    const split = splitOfVersions(versions);
    await renderInTestApp(<VersionsTable family="order" versions={versions} split={split} />);
    // 2222222's flag is at 30% and takes 30%; 1111111's flag is at 100% and takes the other 70%.
    const newest = rowOf('2222222');
    expect(within(newest).getByText('30%')).toBeInTheDocument();
    expect(within(newest).getByText('Live')).toBeInTheDocument();
    // Dark on: every test workflow goes to 2222222.
    expect(within(newest).getByText('test workflows 100%')).toBeInTheDocument();
    expect(within(rowOf('1111111')).getByText('70%')).toBeInTheDocument();
    expect(within(rowOf('1111111')).getByText('test workflows 0%')).toBeInTheDocument();
    expect(within(rowOf('1111111')).queryByText('100%')).toBeNull();
    const aborted = screen.getByTestId(/^aborted-/);
    expect(aborted).toHaveTextContent(/^aborted by user:default\/ada$/);
    expect(aborted).toHaveAttribute('title', expect.stringMatching(/: error rate/));
  });

  it('keeps the raw flag (its strategies, the task queue) in the details of a row', async () => {
    await renderInTestApp(<VersionsTable family="order" versions={familyView().versions} />);
    expect(screen.queryByText('order@2222222')).toBeNull();
    await userEvent.click(within(rowOf('2222222')).getAllByRole('button')[0]);
    const details = await screen.findByTestId('flag-2222222');
    expect(details).toHaveTextContent('Task queue order@2222222 · flag diachronic.order.v000001.2222222');
    expect(details).toHaveTextContent('Live strategy 30% of workflow ids · dark strategy (test workflows) on');
  });

  it('links the task queue and its workflows in Temporal, and the commit on GitHub, where they are known', async () => {
    const versions = familyView().versions.map(version => ({ ...version, sha: `${version.versionId}${'0'.repeat(33)}` }));
    await renderInTestApp(<VersionsTable family="order" versions={versions} links={{ temporalUiUrl: 'http://temporal.test/namespaces/default', githubSlug: 'acme/orders' }} />);
    await userEvent.click(within(rowOf('2222222')).getAllByRole('button')[0]);
    const links = await screen.findByTestId('links-2222222');
    expect(within(links).getByRole('link', { name: 'task queue in Temporal' })).toHaveAttribute('href', 'http://temporal.test/namespaces/default/task-queues/order%402222222');
    expect(within(links).getByRole('link', { name: 'its workflows' })).toHaveAttribute(
      'href',
      `http://temporal.test/namespaces/default/workflows?query=${encodeURIComponent('TaskQueue = "order@2222222"')}`,
    );
    expect(within(links).getByRole('link', { name: /^commit 222222200000 on GitHub$/ })).toHaveAttribute(
      'href',
      `https://github.com/acme/orders/commit/2222222${'0'.repeat(33)}`,
    );
  });

  it("links each version's flag in Unleash where Unleash's admin UI is configured, and not otherwise", async () => {
    const versions = familyView().versions;
    const { unmount } = await renderInTestApp(
      <VersionsTable family="order" versions={versions} links={{ unleashUiUrl: 'http://unleash.test/projects/team%20a' }} />,
    );
    await userEvent.click(within(rowOf('2222222')).getAllByRole('button')[0]);
    expect(within(await screen.findByTestId('links-2222222')).getByRole('link', { name: 'flag in Unleash' })).toHaveAttribute(
      'href',
      'http://unleash.test/projects/team%20a/features/diachronic.order.v000001.2222222',
    );
    unmount();

    await renderInTestApp(<VersionsTable family="order" versions={versions} />);
    await userEvent.click(within(rowOf('2222222')).getAllByRole('button')[0]);
    expect(await screen.findByTestId('flag-2222222')).toHaveTextContent('flag diachronic.order.v000001.2222222');
    expect(screen.queryByRole('link', { name: 'flag in Unleash' })).toBeNull();
  });

  it("names each version's worker Deployment by its labels, linked to the entity's Kubernetes tab where one is configured", async () => {
    const [newest, old] = familyView().versions;
    const versions = [newest, { ...old, status: 'archived' as const, livePercent: 0 }];
    const kubernetesTab = { entityRef: 'Component:default/orders', path: 'kubernetes' };
    const { unmount } = await renderInTestApp(<VersionsTable family="order" versions={versions} links={{ kubernetesTab }} />, {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    await userEvent.click(within(rowOf('2222222')).getAllByRole('button')[0]);
    const worker = await screen.findByTestId('worker-2222222');
    expect(worker).toHaveTextContent('Kubernetes Deployment labelled diachronic.dev/workflow=order,diachronic.dev/version=2222222');
    expect(within(worker).getByRole('link', { name: 'Kubernetes Deployment' })).toHaveAttribute('href', '/catalog/default/component/orders/kubernetes');
    // A retired version's Deployments were deleted with it: nothing to link.
    await userEvent.click(within(rowOf('1111111')).getAllByRole('button')[0]);
    const retired = await screen.findByTestId('worker-1111111');
    expect(retired).toHaveTextContent('diachronic.dev/version=1111111: deleted when the version was retired');
    expect(within(retired).queryByRole('link')).toBeNull();
    unmount();

    // Without the tab (and without the catalog's entity route), the Deployment is named only.
    await renderInTestApp(<VersionsTable family="order" versions={versions} />);
    await userEvent.click(within(rowOf('2222222')).getAllByRole('button')[0]);
    const named = await screen.findByTestId('worker-2222222');
    expect(named).toHaveTextContent('Kubernetes Deployment labelled diachronic.dev/workflow=order,diachronic.dev/version=2222222');
    expect(within(named).queryByRole('link')).toBeNull();
  });

  it("says how many workers poll each version's queue, and raises an alarm for a version with work and no worker", async () => {
    const [newest, old] = familyView().versions;
    await renderInTestApp(
      <VersionsTable
        family="order"
        versions={[
          { ...newest, health: { pollers: 0, backlog: 20, running: 20 } },
          { ...old, health: { pollers: 2, backlog: 0, running: 3 } },
          { ...old, versionId: '0000001', seq: -1, status: 'live', livePercent: 0, darkEnabled: false, health: { pollers: 0, running: 0 } },
        ]}
      />,
    );
    expect(within(rowOf('2222222')).getByTestId('no-worker-2222222')).toHaveTextContent('no worker');
    expect(within(rowOf('2222222')).getByText('20 running')).toBeInTheDocument();
    expect(within(rowOf('1111111')).getByText('2 polling')).toBeInTheDocument();
    expect(within(rowOf('1111111')).getByText('backlog 0')).toBeInTheDocument();
    // Nothing routes to it and nothing runs there: no worker is no alarm.
    expect(within(rowOf('0000001')).queryByTestId('no-worker-0000001')).toBeNull();
    expect(within(rowOf('0000001')).getByText('0 polling')).toBeInTheDocument();
  });

  it('keeps an expanded row open when new data arrives', async () => {
    function Refreshing() {
      const [versions, setVersions] = useState(familyView().versions);
      const refresh = () => setVersions(current => current.map(version => ({ ...version, livePercent: version.seq === 1 ? 40 : 100 })));
      return (
        <>
          <button onClick={refresh}>refresh</button>
          <VersionsTable family="order" versions={versions} />
        </>
      );
    }
    await renderInTestApp(<Refreshing />);
    await userEvent.click(within(rowOf('2222222')).getAllByRole('button')[0]);
    expect(await screen.findByTestId('flag-2222222')).toHaveTextContent('Live strategy 30%');
    await userEvent.click(screen.getByRole('button', { name: 'refresh' }));
    expect(screen.getByTestId('flag-2222222')).toHaveTextContent('Live strategy 40%');
  });

  it("shows an old version's drain: what still runs and when it will be empty, or why that is unknown", async () => {
    const [newest, old] = familyView().versions;
    const drain = { at: '2026-11-26T10:00:00.000Z', windowMs: 600_000, running: 40, left: 30, arrived: 10, leavingPerMinute: 2 };
    await renderInTestApp(
      <VersionsTable
        family="order"
        versions={[
          { ...newest, versionId: '3333333', taskQueue: 'order@3333333', seq: 3 },
          { ...old, drain: { ...drain, emptyAt: '2026-11-26T10:20:00.000Z' } },
          { ...old, versionId: '0000001', taskQueue: 'order@0000001', seq: 0, drain: { ...drain, unknown: 'too little data: 2 left in the last 10 min (at least 5 needed)' } },
        ]}
      />,
    );
    const forecast = within(rowOf('1111111')).getByTestId('drain');
    expect(forecast).toHaveTextContent(/^40 runningempty by .* · 2\/min leaving$/);
    const unknown = within(rowOf('0000001')).getByTestId('drain');
    expect(unknown).toHaveTextContent(/^40 runningforecast unknown$/);
    expect(within(unknown).getByLabelText('forecast unknown: too little data: 2 left in the last 10 min (at least 5 needed)')).toBeInTheDocument();
    expect(within(rowOf('3333333')).queryByTestId('drain')).toBeNull();
  });

  it('says when there is no version', async () => {
    await renderInTestApp(<VersionsTable family="order" versions={[]} />);
    expect(screen.getByText('No version deployed yet.')).toBeInTheDocument();
  });
});

import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { familyView } from '../../__testUtils__/fixtures';
import { VersionsTable } from './VersionsTable';

describe('VersionsTable', () => {
  it('lists seq, version, task queue, flag, live % and status', async () => {
    const versions = familyView().versions;
    versions.push({
      versionId: '0000aaa',
      seq: 2,
      taskQueue: 'order@0000aaa',
      flag: 'diachronic.order.v000002.0000aaa',
      status: 'aborted',
      livePercent: 0,
      darkEnabled: false,
      aborted: { who: 'user:default/ada', why: 'error rate', at: '2026-11-26T09:00:00.000Z' },
    });
    await renderInTestApp(<VersionsTable versions={versions} />);
    const row = screen.getByText('order@2222222').closest('tr')!;
    expect(within(row).getByText('2222222')).toBeInTheDocument();
    expect(within(row).getByText('diachronic.order.v000001.2222222')).toBeInTheDocument();
    expect(within(row).getByText('30%')).toBeInTheDocument();
    expect(within(row).getByText('Live')).toBeInTheDocument();
    expect(screen.getByText(/aborted by user:default\/ada .*: error rate/)).toBeInTheDocument();
  });

  it("shows an old version's drain: what still runs and when it will be empty, or why that is unknown", async () => {
    const [newest, old] = familyView().versions;
    const drain = { at: '2026-11-26T10:00:00.000Z', windowMs: 600_000, running: 40, left: 30, arrived: 10, leavingPerMinute: 2 };
    await renderInTestApp(
      <VersionsTable
        versions={[
          { ...newest, versionId: '3333333', taskQueue: 'order@3333333', seq: 3 },
          { ...old, drain: { ...drain, emptyAt: '2026-11-26T10:20:00.000Z' } },
          { ...old, versionId: '0000001', taskQueue: 'order@0000001', seq: 0, drain: { ...drain, unknown: 'too little data: 2 left in the last 10 min (at least 5 needed)' } },
        ]}
      />,
    );
    const forecast = within(screen.getByText('order@1111111').closest('tr')!).getByTestId('drain');
    expect(forecast).toHaveTextContent(/^40 runningempty by .* · 2\/min leaving$/);
    const unknown = within(screen.getByText('order@0000001').closest('tr')!).getByTestId('drain');
    expect(unknown).toHaveTextContent('forecast unknown: too little data: 2 left in the last 10 min (at least 5 needed)');
    expect(within(screen.getByText('order@3333333').closest('tr')!).queryByTestId('drain')).toBeNull();
  });

  it('says when there is no version', async () => {
    await renderInTestApp(<VersionsTable versions={[]} />);
    expect(screen.getByText('No version deployed yet.')).toBeInTheDocument();
  });
});

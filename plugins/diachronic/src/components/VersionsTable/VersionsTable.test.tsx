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

  it('says when there is no version', async () => {
    await renderInTestApp(<VersionsTable versions={[]} />);
    expect(screen.getByText('No version deployed yet.')).toBeInTheDocument();
  });
});

import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { newStartsSplit } from '@diachronic/backstage-plugin-diachronic-common';
import { SplitBar } from './SplitBar';

const versions = (live2: number, dark2 = false) => [
  { versionId: '0000001', seq: 1, enabled: true, livePercent: 100, darkEnabled: false },
  { versionId: '0000002', seq: 2, enabled: true, livePercent: live2, darkEnabled: dark2 },
];

describe('SplitBar', () => {
  it.each([
    [0, 'new workflows: 0000001 100%'],
    [10, 'new workflows: 0000001 90% · 0000002 10%'],
    [50, 'new workflows: 0000001 50% · 0000002 50%'],
    [100, 'new workflows: 0000002 100%'],
  ])('shows the split of new workflows at %i%%, oldest first', async (percent, label) => {
    await renderInTestApp(<SplitBar split={newStartsSplit(versions(percent))} />);
    expect(screen.getByRole('img', { name: label })).toBeInTheDocument();
    // Only one bar: test traffic goes the same way.
    expect(screen.getAllByRole('img')).toHaveLength(1);
  });

  it('shows where test traffic goes when a version is dark', async () => {
    await renderInTestApp(<SplitBar split={newStartsSplit(versions(0, true))} />);
    expect(screen.getByRole('img', { name: 'new workflows: 0000001 100%' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'test workflows: 0000002 100%' })).toBeInTheDocument();
  });

  it('warns when no version takes some new workflows', async () => {
    await renderInTestApp(<SplitBar split={newStartsSplit([{ versionId: '0000002', seq: 2, enabled: true, livePercent: 40, darkEnabled: false }])} />);
    expect(screen.getByText(/60% of new workflows match no version/)).toBeInTheDocument();
  });
});

import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { PhaseChip } from './PhaseChip';

describe('PhaseChip', () => {
  it('labels the phase', async () => {
    await renderInTestApp(<PhaseChip phase="rolling_out" />);
    expect(screen.getByText('Rolling out')).toBeInTheDocument();
  });

  it('says when the rollout is paused', async () => {
    await renderInTestApp(<PhaseChip phase="rolling_out" paused />);
    expect(screen.getByText('Rolling out (paused)')).toBeInTheDocument();
  });
});

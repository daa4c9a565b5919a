import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { getContrastRatio, Theme } from '@material-ui/core/styles';
import { themes } from '@backstage/theme';
import { PhaseChip, readableBehindWhite, toneColor } from './PhaseChip';

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

describe('the chip colours', () => {
  it('keep white labels readable (WCAG AA, 4.5:1) on every tone of the Backstage themes', () => {
    for (const theme of [themes.light.getTheme('v4'), themes.dark.getTheme('v4')]) {
      const white = theme!.palette.common.white;
      for (const color of Object.values(toneColor(theme as Theme))) {
        expect(getContrastRatio(readableBehindWhite(color, white), white)).toBeGreaterThanOrEqual(4.5);
      }
    }
    // Backstage's green fails as it is: the chip darkens it.
    expect(getContrastRatio(themes.light.getTheme('v4')!.palette.success.main, '#fff')).toBeLessThan(4.5);
  });
});

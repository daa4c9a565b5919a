import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { FamilyPolicy as Policy } from '@diachronic/backstage-plugin-diachronic-common';
import { FamilyPolicy, formatSetting } from './FamilyPolicy';

const policy: Policy = {
  settings: [
    { key: 'migratory', value: true, source: 'family' },
    { key: 'schedule', value: [{ percent: 50, pauseMs: 60_000 }, { percent: 100, pauseMs: 0 }], source: 'built-in' },
    { key: 'gate.enabled', value: true, source: 'built-in' },
    { key: 'gate.maxFailedPercent', value: 2, source: 'family' },
    { key: 'waves.bakeMs', value: 20_000, source: 'default' },
  ],
  locked: ['gate'],
  deployment: [{ key: 'waves.bakeMs', value: 5000, source: 'request' }],
};

describe('FamilyPolicy', () => {
  it('lists every setting with its value and where it comes from, what the running request changed and what is locked', async () => {
    await renderInTestApp(<FamilyPolicy family="order" policy={policy} />);
    const summary = screen.getByRole('button', { name: /Policy: what deployments of order run with/ });
    expect(summary).toHaveTextContent('the running deployment changes 1 · locked: gate');
    await userEvent.click(summary);
    const rows = within(screen.getByRole('table', { name: 'policy of order' })).getAllByRole('row').slice(1);
    expect(rows.map(row => row.textContent)).toEqual([
      'migratoryyesfamily policy',
      'schedule50% for 1 min → 100% for 0 msbuilt-in',
      'gate.enabledlockedonbuilt-in',
      'gate.maxFailedPercentlocked2%family policy',
      'waves.bakeMs20 sthis deployment: 5 sconfigured default; this request',
    ]);
  });

  it('formats durations, switches and lists for people', () => {
    expect(formatSetting('waves.bakeMs', 120_000)).toBe('2 min');
    expect(formatSetting('upgradeDryRun.enabled', false)).toBe('off');
    expect(formatSetting('waves.percents', [10, 25, 50, 100])).toBe('10, 25, 50, 100');
    expect(formatSetting('stragglerAfterMs', 600_000)).toBe('10 min');
  });
});

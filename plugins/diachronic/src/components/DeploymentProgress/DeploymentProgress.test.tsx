import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { deploymentIn } from '../../__testUtils__/fixtures';
import { DeploymentProgress } from './DeploymentProgress';

describe('DeploymentProgress', () => {
  it('shows a dark deployment waiting for promote', async () => {
    await renderInTestApp(<DeploymentProgress deployment={deploymentIn('dark')} />);
    expect(screen.getByText('Dark')).toBeInTheDocument();
    expect(screen.getByTestId('from-to')).toHaveTextContent('1111111 (#0) → 2222222 (#1)');
    expect(screen.getByText(/only test traffic/)).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '0');
  });

  it('shows a rollout with its steps and ETA', async () => {
    await renderInTestApp(<DeploymentProgress deployment={deploymentIn('rolling_out')} />);
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '30');
    expect(screen.getByTestId('step-summary')).toHaveTextContent(/Step 3\/10 at 30%.*next step at.*ETA/);
    expect(screen.getByText('current')).toBeInTheDocument();
    expect(screen.getByText(/^next /)).toBeInTheDocument();
  });

  it('shows a paused rollout without ETA', async () => {
    const deployment = deploymentIn('rolling_out');
    deployment.step = { ...deployment.step!, paused: true, nextAt: undefined, eta: undefined };
    await renderInTestApp(<DeploymentProgress deployment={deployment} />);
    expect(screen.getByText('Rolling out (paused)')).toBeInTheDocument();
    expect(screen.getByTestId('step-summary')).not.toHaveTextContent('ETA');
  });

  it('shows migration progress against the old queue', async () => {
    await renderInTestApp(<DeploymentProgress deployment={deploymentIn('migrating')} />);
    expect(screen.getByTestId('migration')).toHaveTextContent('120 signaled · 45 still on the old queue order@1111111');
  });

  it('shows why an overridden or aborted deployment stopped', async () => {
    await renderInTestApp(
      <DeploymentProgress
        deployment={deploymentIn('overridden', {
          reason: 'live was 50%, set by user:default/bob',
          endedAt: '2026-11-26T10:05:00.000Z',
        })}
      />,
    );
    expect(screen.getByText('Overridden')).toBeInTheDocument();
    expect(screen.getByTestId('reason')).toHaveTextContent('live was 50%, set by user:default/bob');
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
  });
});

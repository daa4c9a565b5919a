import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DeploymentPhase } from '@diachronic/backstage-plugin-diachronic-common';
import { deploymentIn } from '../../__testUtils__/fixtures';
import type { ControlPermissions } from '../../hooks';
import { DeploymentActions } from './DeploymentActions';

const allowAll: ControlPermissions = { promote: true, override: true, pause: true, resume: true, abort: true, cancel: true };
const button = (name: string) => screen.getByRole('button', { name });

async function render(phase: DeploymentPhase, permissions = allowAll, onControl = jest.fn(() => Promise.resolve())) {
  await renderInTestApp(
    <DeploymentActions deployment={deploymentIn(phase)} permissions={permissions} onControl={onControl} />,
  );
  return onControl;
}

describe('DeploymentActions', () => {
  it('offers only promote and abort while dark', async () => {
    const onControl = await render('dark');
    expect(button('Promote')).toBeEnabled();
    expect(button('Override')).toBeDisabled();
    expect(button('Pause')).toBeDisabled();
    expect(button('Abort')).toBeEnabled();
    await userEvent.click(button('Promote'));
    expect(onControl).toHaveBeenCalledWith('promote');
  });

  it('explains a disabled action', async () => {
    await render('dark');
    await userEvent.hover(button('Pause').parentElement!);
    expect(
      await screen.findByText('Only possible while the deployment is rolling out or migrating; it is dark.'),
    ).toBeInTheDocument();
  });

  it('disables everything without permission, naming it', async () => {
    await render('rolling_out', { promote: false, override: false, pause: false, resume: false, abort: false, cancel: false });
    for (const name of ['Promote', 'Override', 'Pause', 'Abort']) expect(button(name)).toBeDisabled();
    await userEvent.hover(button('Abort').parentElement!);
    expect(
      await screen.findByText('You lack the permission diachronic.deployment.abort on this entity.'),
    ).toBeInTheDocument();
  });

  it('pauses a rollout and resumes a paused one', async () => {
    const onControl = await render('rolling_out');
    await userEvent.click(button('Pause'));
    expect(onControl).toHaveBeenCalledWith('pause');
  });

  it('offers resume when paused', async () => {
    const deployment = deploymentIn('rolling_out');
    deployment.step = { ...deployment.step!, paused: true };
    const onControl = jest.fn(() => Promise.resolve());
    await renderInTestApp(<DeploymentActions deployment={deployment} permissions={allowAll} onControl={onControl} />);
    await userEvent.click(button('Resume'));
    expect(onControl).toHaveBeenCalledWith('resume');
  });

  it('offers resume for a migration the health gate holds', async () => {
    const deployment = deploymentIn('migrating');
    deployment.migration = { ...deployment.migration!, held: true };
    const onControl = jest.fn(() => Promise.resolve());
    await renderInTestApp(<DeploymentActions deployment={deployment} permissions={allowAll} onControl={onControl} />);
    await userEvent.click(button('Resume'));
    expect(onControl).toHaveBeenCalledWith('resume');
  });

  it('pauses a migration: its sweeps hold until resumed', async () => {
    const onControl = await render('migrating');
    await userEvent.click(button('Pause'));
    expect(onControl).toHaveBeenCalledWith('pause');
  });

  it('overrides through the dialog', async () => {
    const onControl = await render('migrating');
    await userEvent.click(button('Override'));
    await userEvent.click(button('Fast forward to 100%'));
    await userEvent.type(screen.getByLabelText(/Reason/), 'all good');
    await userEvent.click(button('Set 100%'));
    expect(onControl).toHaveBeenCalledWith('override', { percent: 100, reason: 'all good' });
  });

  it('aborts through the dialog with a reason', async () => {
    const onControl = await render('rolling_out');
    await userEvent.click(button('Abort'));
    await userEvent.type(screen.getByLabelText(/Reason/), 'error rate');
    await userEvent.click(button('Abort 2222222'));
    expect(onControl).toHaveBeenCalledWith('abort', { reason: 'error rate' });
    await waitFor(() => expect(screen.queryByText(/Abort the deployment/)).not.toBeInTheDocument());
  });

  it('shows a refusal from the backend', async () => {
    await render(
      'dark',
      allowAll,
      jest.fn(() => Promise.reject(new Error('promote refused: the deployment is being aborted'))),
    );
    await userEvent.click(button('Promote'));
    expect(await screen.findByText('promote refused: the deployment is being aborted')).toBeInTheDocument();
  });

  it('disables every action once the deployment ended', async () => {
    await render('aborted');
    for (const name of ['Promote', 'Override', 'Pause', 'Abort']) expect(button(name)).toBeDisabled();
  });
});

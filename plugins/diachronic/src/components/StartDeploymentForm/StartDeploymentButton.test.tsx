import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StartDeploymentButton } from './StartDeploymentButton';

describe('StartDeploymentButton', () => {
  it('opens the form in a dialog; a start closes it and is told beside the button', async () => {
    const onSubmit = jest.fn(() => Promise.resolve({ outcome: 'started' as const, workflowId: 'w' }));
    await renderInTestApp(<StartDeploymentButton families={['order']} onSubmit={onSubmit} />);
    expect(screen.queryByRole('dialog')).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Start a deployment' }));
    const dialog = await screen.findByRole('dialog', { name: 'Start a deployment' });
    await userEvent.type(within(dialog).getByLabelText(/Version/), 'abc1234');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Start deployment' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByText('Deployment of abc1234 started.')).toBeInTheDocument();
    // Opened again, the form is empty.
    await userEvent.click(screen.getByRole('button', { name: 'Start a deployment' }));
    expect(within(await screen.findByRole('dialog')).getByLabelText(/Version/)).toHaveValue('');
  });

  it('keeps the dialog open with the input after a duplicate', async () => {
    const onSubmit = jest.fn(() => Promise.resolve({ outcome: 'duplicate' as const, workflowId: 'w', message: 'abc1234 is already deployed' }));
    await renderInTestApp(<StartDeploymentButton families={['order']} onSubmit={onSubmit} />);
    await userEvent.click(screen.getByRole('button', { name: 'Start a deployment' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/Version/), 'abc1234');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Start deployment' }));

    expect(await within(dialog).findByText('Nothing started: abc1234 is already deployed')).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBe(dialog);
    expect(within(dialog).getByLabelText(/Version/)).toHaveValue('abc1234');
  });

  it('is disabled with the reason beside it, which describes it', async () => {
    await renderInTestApp(
      <StartDeploymentButton families={['order']} onSubmit={jest.fn()} disabledReason="You lack the permission diachronic.deployment.start on this entity." />,
    );
    const button = screen.getByRole('button', { name: 'Start a deployment' });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription('You lack the permission diachronic.deployment.start on this entity.');
  });
});

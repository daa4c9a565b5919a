import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StartDeploymentForm } from './StartDeploymentForm';

describe('StartDeploymentForm', () => {
  it('validates the version and sends the request', async () => {
    const onSubmit = jest.fn(() => Promise.resolve({ outcome: 'queued' as const, workflowId: 'w', position: 2 }));
    await renderInTestApp(<StartDeploymentForm families={['order', 'order-events']} onSubmit={onSubmit} />);
    const start = screen.getByRole('button', { name: 'Start deployment' });
    expect(start).toBeDisabled();

    await userEvent.type(screen.getByLabelText(/Version/), 'XYZ');
    expect(screen.getByText('7–40 lowercase hex digits')).toBeInTheDocument();
    expect(start).toBeDisabled();

    await userEvent.clear(screen.getByLabelText(/Version/));
    await userEvent.type(screen.getByLabelText(/Version/), 'abc1234');
    await userEvent.click(screen.getByRole('button', { name: 'Family' }));
    await userEvent.click(within(screen.getByRole('listbox')).getByText('order-events'));
    await userEvent.click(screen.getByLabelText('Dark (wait for promote)'));
    await userEvent.click(start);

    expect(onSubmit).toHaveBeenCalledWith({
      family: 'order-events',
      versionId: 'abc1234',
      dark: true,
      migratory: false,
    });
    expect(await screen.findByText('Deployment of abc1234 queued at position 2.')).toBeInTheDocument();
  });

  it('shows a duplicate and a failure', async () => {
    const onSubmit = jest
      .fn()
      .mockResolvedValueOnce({ outcome: 'duplicate', workflowId: 'w', message: 'abc1234 is already deployed' })
      .mockRejectedValueOnce(new Error('body.versionId: must be a git sha'));
    await renderInTestApp(<StartDeploymentForm families={['order']} onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText(/Version/), 'abc1234');
    await userEvent.click(screen.getByRole('button', { name: 'Start deployment' }));
    expect(await screen.findByText('Nothing started: abc1234 is already deployed')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Start deployment' }));
    expect(await screen.findByText('body.versionId: must be a git sha')).toBeInTheDocument();
  });
});

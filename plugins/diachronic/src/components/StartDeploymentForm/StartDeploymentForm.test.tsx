import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StartDeploymentForm } from './StartDeploymentForm';

async function fillIn({ versionId, reason }: { versionId: string; reason?: string }) {
  await userEvent.type(screen.getByLabelText(/Version/), versionId);
  await userEvent.click(screen.getByLabelText('Dark (wait for promote)'));
  await userEvent.click(screen.getByLabelText('Migratory'));
  if (reason) await userEvent.type(screen.getByLabelText('Reason'), reason);
}

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

  it('resets the version, the options and the reason once a deployment started, and says so', async () => {
    const onStarted = jest.fn();
    const onSubmit = jest.fn(() => Promise.resolve({ outcome: 'started' as const, workflowId: 'w' }));
    await renderInTestApp(<StartDeploymentForm families={['order', 'order-events']} onSubmit={onSubmit} onStarted={onStarted} />);
    await userEvent.click(screen.getByRole('button', { name: 'Family' }));
    await userEvent.click(within(screen.getByRole('listbox')).getByText('order-events'));
    await fillIn({ versionId: 'abc1234', reason: 'hotfix' });
    await userEvent.click(screen.getByRole('button', { name: 'Start deployment' }));

    expect(onSubmit).toHaveBeenCalledWith({ family: 'order-events', versionId: 'abc1234', dark: true, migratory: true, reason: 'hotfix' });
    expect(await screen.findByText('Deployment of abc1234 started.')).toBeInTheDocument();
    expect(onStarted).toHaveBeenCalledWith('Deployment of abc1234 started.');
    expect(screen.getByLabelText(/Version/)).toHaveValue('');
    expect(screen.getByLabelText('Reason')).toHaveValue('');
    expect(screen.getByLabelText('Dark (wait for promote)')).not.toBeChecked();
    expect(screen.getByLabelText('Migratory')).not.toBeChecked();
    // The family stays: the next start is most likely of the same one.
    expect(screen.getByRole('button', { name: 'Family' })).toHaveTextContent('order-events');
    expect(screen.getByRole('button', { name: 'Start deployment' })).toBeDisabled();
  });

  it('keeps the input after a duplicate and after a failure, to be fixed and sent again', async () => {
    const onStarted = jest.fn();
    const onSubmit = jest
      .fn()
      .mockResolvedValueOnce({ outcome: 'duplicate', workflowId: 'w', message: 'abc1234 is already deployed' })
      .mockRejectedValueOnce(new Error('body.versionId: must be a git sha'));
    await renderInTestApp(<StartDeploymentForm families={['order']} onSubmit={onSubmit} onStarted={onStarted} />);
    await fillIn({ versionId: 'abc1234', reason: 'retry' });
    const kept = () => {
      expect(screen.getByLabelText(/Version/)).toHaveValue('abc1234');
      expect(screen.getByLabelText('Reason')).toHaveValue('retry');
      expect(screen.getByLabelText('Dark (wait for promote)')).toBeChecked();
      expect(screen.getByLabelText('Migratory')).toBeChecked();
    };

    await userEvent.click(screen.getByRole('button', { name: 'Start deployment' }));
    expect(await screen.findByText('Nothing started: abc1234 is already deployed')).toBeInTheDocument();
    kept();

    await userEvent.click(screen.getByRole('button', { name: 'Start deployment' }));
    expect(await screen.findByText('body.versionId: must be a git sha')).toBeInTheDocument();
    expect(screen.queryByText('Nothing started: abc1234 is already deployed')).toBeNull();
    kept();
    expect(onStarted).not.toHaveBeenCalled();
  });
});

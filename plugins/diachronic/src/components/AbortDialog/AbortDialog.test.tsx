import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AbortDialog } from './AbortDialog';

describe('AbortDialog', () => {
  it('says what will happen and requires a reason', async () => {
    const onSubmit = jest.fn(() => Promise.resolve());
    const onClose = jest.fn();
    await renderInTestApp(<AbortDialog open versionId="2222222" onClose={onClose} onSubmit={onSubmit} />);
    expect(screen.getByTestId('abort-consequence')).toHaveTextContent('Live traffic to 2222222 goes to 0%');
    const confirm = screen.getByRole('button', { name: 'Abort 2222222' });
    expect(confirm).toBeDisabled();
    await userEvent.type(screen.getByLabelText(/Reason/), 'error rate');
    await userEvent.click(confirm);
    expect(onSubmit).toHaveBeenCalledWith({ reason: 'error rate' });
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });
});

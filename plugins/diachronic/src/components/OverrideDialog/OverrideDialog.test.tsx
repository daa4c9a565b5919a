import { useState } from 'react';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { OverrideDialog, overrideConsequence } from './OverrideDialog';

const setup = async (onSubmit = jest.fn(() => Promise.resolve()), onClose = jest.fn()) => {
  await renderInTestApp(
    <OverrideDialog open versionId="2222222" currentPercent={30} onClose={onClose} onSubmit={onSubmit} />,
  );
  return { onSubmit, onClose, submit: () => screen.getByRole('button', { name: /^Set / }) };
};

describe('OverrideDialog', () => {
  it('needs another percentage and a reason', async () => {
    const { submit } = await setup();
    expect(submit()).toBeDisabled();
    expect(screen.getByText(/already at 30%/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: '50%' }));
    expect(submit()).toBeDisabled();
    expect(screen.getByText(/Required/)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/Reason/), '   ');
    expect(submit()).toBeDisabled();
  });

  it('says what a fast forward does and sends percent and reason', async () => {
    const { onSubmit, onClose, submit } = await setup();
    await userEvent.click(screen.getByRole('button', { name: 'Fast forward to 100%' }));
    expect(screen.getByTestId('override-consequence')).toHaveTextContent(
      'Fast forward: every new workflow starts on 2222222 now (30% → 100%)',
    );
    await userEvent.type(screen.getByLabelText(/Reason/), ' hotfix verified ');
    await userEvent.click(submit());
    expect(onSubmit).toHaveBeenCalledWith({ percent: 100, reason: 'hotfix verified' });
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it('keeps the dialog open with the refusal', async () => {
    const { onClose, submit } = await setup(
      jest.fn(() => Promise.reject(new Error('override refused: the deployment has ended'))),
    );
    await userEvent.click(screen.getByRole('button', { name: '0%' }));
    await userEvent.type(screen.getByLabelText(/Reason/), 'errors');
    await userEvent.click(submit());
    expect(await screen.findByText('override refused: the deployment has ended')).toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
  });

  it('keeps the chosen percentage and the typed reason when the next step arrives, and starts afresh when opened again', async () => {
    function Live() {
      const [current, setCurrent] = useState(30);
      const [open, setOpen] = useState(true);
      return (
        <>
          <button onClick={() => setCurrent(40)}>next step</button>
          <button onClick={() => setOpen(!open)}>toggle</button>
          <OverrideDialog open={open} versionId="2222222" currentPercent={current} onClose={() => setOpen(false)} onSubmit={() => Promise.resolve()} />
        </>
      );
    }
    await renderInTestApp(<Live />);
    await waitFor(() => expect(screen.getByLabelText(/Reason/)).toHaveFocus());
    await userEvent.click(screen.getByRole('button', { name: '75%' }));
    await userEvent.type(screen.getByLabelText(/Reason/), 'customer demo');
    await userEvent.click(screen.getByRole('button', { name: 'next step', hidden: true }));
    expect(screen.getByLabelText(/Reason/)).toHaveValue('customer demo');
    expect(screen.getByTestId('override-consequence')).toHaveTextContent('(40% → 75%)');
    await userEvent.click(screen.getByRole('button', { name: 'toggle', hidden: true }));
    await userEvent.click(screen.getByRole('button', { name: 'toggle', hidden: true }));
    await waitFor(() => expect(screen.getByLabelText(/Reason/)).toHaveValue(''));
    expect(screen.getByText(/already at 40%/)).toBeInTheDocument();
  });

  it('describes each target', () => {
    expect(overrideConsequence('abc1234', 30, 0)).toMatch(/^No new workflow starts on abc1234/);
    expect(overrideConsequence('abc1234', 30, 60)).toMatch(/^60% of new workflows start on abc1234 .*\(30% → 60%\)/);
  });
});

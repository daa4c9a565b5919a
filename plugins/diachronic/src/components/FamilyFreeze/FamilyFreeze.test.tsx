import { mockApis, renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { FamilyView } from '@diachronic/backstage-plugin-diachronic-common';
import { diachronicApiRef } from '../../api';
import { fakeApi } from '../../__testUtils__/fixtures';
import { FamilyFreeze } from './FamilyFreeze';

const entityRef = { kind: 'Component', namespace: 'default', name: 'orders' };
const family = (freeze?: FamilyView['freeze']): FamilyView => ({ family: 'order', versions: [], queue: [], cancelled: [], history: [], ...(freeze && { freeze }) });

async function render(
  view: FamilyView,
  api = fakeApi(),
  authorize: AuthorizeResult.ALLOW | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  forEntity = entityRef,
) {
  const onChanged = jest.fn();
  await renderInTestApp(
    <TestApiProvider apis={[[diachronicApiRef, api], [permissionApiRef, mockApis.permission({ authorize })]]}>
      <FamilyFreeze entityRef={forEntity} family={view} onChanged={onChanged} />
    </TestApiProvider>,
  );
  return onChanged;
}

describe('FamilyFreeze', () => {
  it('freezes the family with a reason and an optional end', async () => {
    const freezeFamilies = jest.fn(async () => ({ families: [] }));
    const onChanged = await render(family(), fakeApi({ freezeFamilies }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Freeze' })).toBeEnabled());
    await userEvent.click(screen.getByRole('button', { name: 'Freeze' }));
    const submit = screen.getByRole('button', { name: 'Freeze order' });
    expect(submit).toBeDisabled();
    await userEvent.type(screen.getByLabelText(/Reason/), 'incident 42');
    await userEvent.click(submit);
    expect(freezeFamilies).toHaveBeenCalledWith(entityRef, { family: 'order', reason: 'incident 42' });
    expect(onChanged).toHaveBeenCalled();
  });

  it('shows who froze it, why and until when, and unfreezes', async () => {
    const unfreezeFamilies = jest.fn(async () => ({ families: [] }));
    await render(family({ scope: 'family', who: 'user:default/ops', why: 'audit', at: '2026-11-26T10:00:00.000Z' }), fakeApi({ unfreezeFamilies }));
    expect(await screen.findByText(/Frozen by user:default\/ops: audit · until unfrozen/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Unfreeze' }));
    expect(unfreezeFamilies).toHaveBeenCalledWith(entityRef, { family: 'order' });
  });

  it('disables freezing without the permission', async () => {
    // Another entity: permission decisions are cached per entity across renders.
    await render(family(), fakeApi(), AuthorizeResult.DENY, { ...entityRef, name: 'not-mine' });
    expect(screen.getByRole('button', { name: 'Freeze' })).toBeDisabled();
    await userEvent.hover(screen.getByRole('button', { name: 'Freeze' }).parentElement!);
    expect(await screen.findByText('You lack the permission diachronic.freeze on this entity.')).toBeInTheDocument();
  });
});

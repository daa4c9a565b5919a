import { mockApis, renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import type { FamilyView } from '@diachronic/backstage-plugin-diachronic-common';
import { deploymentIn, fakeApi, familyView } from '../../__testUtils__/fixtures';
import { diachronicApiRef } from '../../api';
import { FamilyPanel } from './FamilyPanel';

const entityRef = { kind: 'Component', namespace: 'default', name: 'family-panel' };

async function render(family: FamilyView) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [diachronicApiRef, fakeApi()],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <FamilyPanel entityRef={entityRef} family={family} onChanged={jest.fn()} />
    </TestApiProvider>,
  );
}

describe('FamilyPanel', () => {
  it('shows the family without a running deployment', async () => {
    await render(familyView({ versions: [] }));
    expect(screen.getByText('Family order')).toBeInTheDocument();
    expect(screen.getByText('no live version')).toBeInTheDocument();
    expect(screen.getByText('No deployment running')).toBeInTheDocument();
    expect(screen.getByText('No version deployed yet.')).toBeInTheDocument();
  });

  it('shows a deployment still preparing its flag with every control disabled', async () => {
    await render(familyView({ deployment: deploymentIn('preparing', { version: undefined, previous: undefined }) }));
    expect(screen.getByText('Preparing')).toBeInTheDocument();
    expect(screen.getByTestId('from-to')).toHaveTextContent('none → 2222222');
    await waitFor(() => {
      for (const name of ['Promote', 'Override', 'Pause', 'Abort']) {
        expect(screen.getByRole('button', { name })).toBeDisabled();
      }
    });
  });
});

import { mockApis, renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { configApiRef } from '@backstage/core-plugin-api';
import { EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type { EntityFamiliesResponse, FamilyView } from '@diachronic/backstage-plugin-diachronic-common';
import { deploymentIn, entity, entityRef, fakeApi, familyView } from '../../__testUtils__/fixtures';
import { diachronicApiRef, DiachronicApi } from '../../api';
import { EntityDiachronicContent } from './EntityDiachronicContent';

const answer = (...families: FamilyView[]): EntityFamiliesResponse => ({ entityRef, families });

async function render(
  api: DiachronicApi,
  {
    authorize = AuthorizeResult.ALLOW,
    forEntity = entity,
  }: { authorize?: AuthorizeResult.ALLOW | AuthorizeResult.DENY; forEntity?: Entity } = {},
) {
  const permissionApi = mockApis.permission({ authorize });
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [diachronicApiRef, api],
        [permissionApiRef, permissionApi],
      ]}
    >
      <EntityProvider entity={forEntity}>
        <EntityDiachronicContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityDiachronicContent', () => {
  it('asks for the annotation when the entity has none', async () => {
    const api = fakeApi();
    await render(api, { forEntity: { ...entity, metadata: { name: 'orders', annotations: {} } } });
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(screen.getAllByText(/diachronic\.dev\/workflows/).length).toBeGreaterThan(0);
    expect(api.getEntityFamilies).not.toHaveBeenCalled();
  });

  it('shows a family with no deployment running', async () => {
    const api = fakeApi({ getEntityFamilies: jest.fn(async () => answer(familyView())) });
    await render(api);
    expect(await screen.findByText('Family order')).toBeInTheDocument();
    expect(screen.getByText('No deployment running')).toBeInTheDocument();
    expect(screen.getByText('new workflows: 1111111 70% · 2222222 30%')).toBeInTheDocument();
    expect(api.getEntityFamilies).toHaveBeenCalledWith({ kind: 'Component', namespace: 'default', name: 'orders' });
  });

  it('shows a dark deployment, promotes it, and shows what the backend answers next', async () => {
    let promoted = false;
    const api = fakeApi({
      getEntityFamilies: jest.fn(async () =>
        answer(familyView({ deployment: deploymentIn(promoted ? 'rolling_out' : 'dark') })),
      ),
      promote: jest.fn(async () => {
        promoted = true;
        return deploymentIn('rolling_out');
      }),
    });
    await render(api);
    expect(await screen.findByText('Dark')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Promote' }));
    expect(api.promote).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'orders' },
      'order',
      '2222222',
      {},
    );
    // However many polls a slow machine fits in, the view shows the state after the action.
    expect(await screen.findByText('Rolling out')).toBeInTheDocument();
    expect(screen.queryByText('Dark')).not.toBeInTheDocument();
  });

  it('shows a rolling deployment with its live percentage and events', async () => {
    const api = fakeApi({
      getEntityFamilies: jest.fn(async () => answer(familyView({ deployment: deploymentIn('rolling_out') }))),
    });
    await render(api);
    expect(await screen.findByText('Rolling out')).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'live percentage' })).toHaveAttribute('aria-valuenow', '30');
    expect(screen.getByText(/manual request of 2222222/)).toBeInTheDocument();
  });

  it('shows a migrating deployment', async () => {
    const api = fakeApi({
      getEntityFamilies: jest.fn(async () => answer(familyView({ deployment: deploymentIn('migrating') }))),
    });
    await render(api);
    expect(await screen.findByTestId('migration')).toHaveTextContent('45 still on the old queue');
  });

  it('shows overridden and aborted deployments with their reason, no action possible', async () => {
    const api = fakeApi({
      getEntityFamilies: jest.fn(async () =>
        answer(
          familyView({ deployment: deploymentIn('overridden', { reason: 'live set to 50% by user:default/bob' }) }),
          familyView({ family: 'order-events', deployment: deploymentIn('aborted', { reason: 'error rate' }) }),
        ),
      ),
    });
    await render(api);
    expect(await screen.findByText('live set to 50% by user:default/bob')).toBeInTheDocument();
    expect(screen.getByText('error rate')).toBeInTheDocument();
    for (const button of screen.getAllByRole('button', { name: 'Abort' })) expect(button).toBeDisabled();
  });

  it('shows the queue of waiting deployments', async () => {
    const api = fakeApi({
      getEntityFamilies: jest.fn(async () =>
        answer(
          familyView({
            deployment: deploymentIn('rolling_out'),
            queue: [
              {
                versionId: '3333333',
                requestedBy: { who: 'github:ada', why: 'merge' },
                requestedAt: '2026-11-26T10:01:00.000Z',
              },
            ],
          }),
        ),
      ),
    });
    await render(api);
    const queue = await screen.findByTestId('queue');
    expect(queue).toHaveTextContent('Waiting (1)');
    expect(within(queue).getByText('1. 3333333')).toBeInTheDocument();
  });

  it('shows problems the backend reports for a family', async () => {
    const api = fakeApi({
      getEntityFamilies: jest.fn(async () =>
        answer(familyView({ problems: ['the Diachronic worker did not answer'] })),
      ),
    });
    await render(api);
    expect(await screen.findByText('the Diachronic worker did not answer')).toBeInTheDocument();
  });

  it('shows an error with a retry', async () => {
    const failure = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'ServiceUnavailableError', message: 'worker does not answer' },
          response: { statusCode: 503 },
        }),
        {
          status: 503,
          statusText: 'Service Unavailable',
          headers: { 'Content-Type': 'application/json' },
        },
      ),
    );
    const getEntityFamilies = jest.fn().mockRejectedValueOnce(failure).mockResolvedValueOnce(answer(familyView()));
    await render(fakeApi({ getEntityFamilies }));
    expect((await screen.findAllByText(/worker does not answer/)).length).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Family order')).toBeInTheDocument();
  });

  it('disables the controls and hides the start form without permission', async () => {
    const api = fakeApi({
      getEntityFamilies: jest.fn(async () => answer(familyView({ deployment: deploymentIn('rolling_out') }))),
    });
    // usePermission caches answers per permission and resource (SWR, module-wide): another entity here.
    const denied = { ...entity, metadata: { ...entity.metadata, name: 'orders-denied' } };
    await render(api, { authorize: AuthorizeResult.DENY, forEntity: denied });
    await screen.findByText('Rolling out');
    expect(screen.getByRole('button', { name: 'Pause' })).toBeDisabled();
    await userEvent.hover(screen.getByRole('button', { name: 'Pause' }).parentElement!);
    expect(
      await screen.findByText('You lack the permission diachronic.deployment.pause-resume on this entity.'),
    ).toBeInTheDocument();
    // The start button stays where it is, disabled, saying why and who to ask.
    const start = screen.getByRole('button', { name: 'Start a deployment' });
    expect(start).toBeDisabled();
    expect(start).toHaveAccessibleDescription(
      'You lack the permission diachronic.deployment.start on this entity: ask its owner, group:default/payments.',
    );
  });

  it('says nothing about the start permission while it is checked', async () => {
    const api = fakeApi({ getEntityFamilies: jest.fn(async () => answer(familyView())) });
    const checking = { ...entity, metadata: { ...entity.metadata, name: 'orders-checking' } };
    const permissionApi = { authorize: () => new Promise<never>(() => {}) };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [diachronicApiRef, api],
          [permissionApiRef, permissionApi],
        ]}
      >
        <EntityProvider entity={checking}>
          <EntityDiachronicContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    await screen.findByText('Family order');
    expect(screen.getByRole('button', { name: 'Start a deployment' })).toBeDisabled();
    expect(screen.queryByText(/diachronic\.deployment\.start/)).toBeNull();
  });

  it('starts a deployment from the button at the top of the tab, with the start permission', async () => {
    const api = fakeApi({
      getEntityFamilies: jest.fn(async () => answer(familyView())),
      startDeployment: jest.fn(async () => ({ outcome: 'started' as const, workflowId: 'diachronic/order/abc1234' })),
    });
    await render(api);
    await screen.findByText('Family order');
    const [first] = screen.getAllByRole('button');
    expect(first).toHaveTextContent('Start a deployment');
    await userEvent.click(first);
    const dialog = await screen.findByRole('dialog', { name: 'Start a deployment' });
    await userEvent.type(within(dialog).getByLabelText(/Version/), 'abc1234');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Start deployment' }));
    expect(api.startDeployment).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'orders' },
      { family: 'order', versionId: 'abc1234', dark: false, migratory: false },
    );
    expect(await screen.findByText('Deployment of abc1234 started.')).toBeInTheDocument();
    // The view reloads, so the new deployment shows.
    await waitFor(() => expect((api.getEntityFamilies as jest.Mock).mock.calls.length).toBeGreaterThan(1));
  });

  it("links each version's flag in Unleash, and its worker in the Kubernetes tab when one is configured", async () => {
    const api = fakeApi({
      getEntityFamilies: jest.fn(async () => answer(familyView({ unleashUiUrl: 'http://unleash.test/projects/default' }))),
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [diachronicApiRef, api],
          [permissionApiRef, mockApis.permission()],
          [configApiRef, mockApis.config({ data: { diachronic: { kubernetesTabPath: '/kubernetes/' } } })],
        ]}
      >
        <EntityProvider entity={entity}>
          <EntityDiachronicContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    const row = (await screen.findByText('2222222', { selector: 'code' })).closest('tr')!;
    await userEvent.click(within(row).getAllByRole('button')[0]);
    const details = await screen.findByTestId('flag-2222222');
    expect(within(details).getByRole('link', { name: 'flag in Unleash' })).toHaveAttribute(
      'href',
      'http://unleash.test/projects/default/features/diachronic.order.v000001.2222222',
    );
    expect(within(details).getByRole('link', { name: 'Kubernetes Deployment' })).toHaveAttribute(
      'href',
      '/catalog/default/component/orders/kubernetes',
    );
  });
});

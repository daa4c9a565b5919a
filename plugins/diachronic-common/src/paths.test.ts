import { diachronicApiPath, diachronicApiPaths, diachronicRoutes, temporalWorkflowUrl, unleashFlagUrl } from './paths';

describe('API paths', () => {
  const entity = { kind: 'Component', namespace: 'team a', name: 'orders/api' };

  it('encodes every segment', () => {
    expect(diachronicApiPaths.control(entity, 'order.v2', 'abc1234', 'promote')).toBe(
      '/entity/team%20a/Component/orders%2Fapi/families/order.v2/deployments/abc1234/promote',
    );
    expect(diachronicApiPaths.entityFamilies({ kind: 'component', name: 'x' })).toBe(
      '/entity/default/component/x/families',
    );
  });

  it('refuses a missing parameter', () => {
    expect(() =>
      diachronicApiPath(diachronicRoutes.startDeployment, { namespace: 'default', kind: 'component', name: '' }),
    ).toThrow('missing path parameter name');
  });

  it('builds the list query', () => {
    expect(diachronicApiPaths.deployments()).toBe('/deployments');
    expect(diachronicApiPaths.deployments({ phase: ['dark', 'rolling_out'], q: 'ord er', limit: 20, cursor: 'c' })).toBe(
      '/deployments?phase=dark%2Crolling_out&q=ord+er&limit=20&cursor=c',
    );
  });
});

describe('temporalWorkflowUrl', () => {
  it("links a run's history in Temporal's web UI, encoding the workflow id", () => {
    expect(temporalWorkflowUrl('http://localhost:8233/namespaces/default', 'order/881 a', 'r-1')).toBe(
      'http://localhost:8233/namespaces/default/workflows/order%2F881%20a/r-1/history',
    );
  });
});

describe('unleashFlagUrl', () => {
  it("links a flag's page in Unleash's admin UI, encoding the flag's name", () => {
    expect(unleashFlagUrl('https://unleash.example.com/projects/default', 'diachronic.order.v000001.2222222')).toBe(
      'https://unleash.example.com/projects/default/features/diachronic.order.v000001.2222222',
    );
    expect(unleashFlagUrl('https://unleash.example.com/projects/default', 'a/b c')).toBe(
      'https://unleash.example.com/projects/default/features/a%2Fb%20c',
    );
  });
});

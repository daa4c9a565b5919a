import { diachronicApiPath, diachronicApiPaths, diachronicRoutes } from './paths';

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

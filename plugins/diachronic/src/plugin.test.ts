import { diachronicPlugin, DiachronicDeploymentsPage, EntityDiachronicContent, isDiachronicAvailable } from '.';
import { entity } from './__testUtils__/fixtures';

describe('diachronic plugin', () => {
  it('exports the plugin and its extensions', () => {
    expect(diachronicPlugin.getId()).toBe('diachronic');
    expect(EntityDiachronicContent).toBeDefined();
    expect(DiachronicDeploymentsPage).toBeDefined();
  });

  it('is available on entities that own workflow families', () => {
    expect(isDiachronicAvailable(entity)).toBe(true);
    expect(
      isDiachronicAvailable({ ...entity, metadata: { name: 'x', annotations: { 'diachronic.dev/workflows': ' ' } } }),
    ).toBe(false);
    expect(isDiachronicAvailable({ ...entity, metadata: { name: 'x' } })).toBe(false);
  });
});

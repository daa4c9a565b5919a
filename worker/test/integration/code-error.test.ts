import { Harness, fastOptions, startHarness, uniqueFamily, uniqueVersionId } from '../harness';

jest.setTimeout(120_000);

/**
 * Workflow code that throws on its data ends its deployment as failed, with the error, instead of failing
 * its workflow tasks forever (a run stuck like that holds its family's queue). Requests are validated
 * before any workflow sees them; this guards against what validation does not foresee.
 */
describe('an error of the workflow code on odd data', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ diachronicWorkflowsPath: require.resolve('../fixtures/throwing-rollout') });
  });

  afterAll(async () => {
    await h?.teardown();
  });

  it('fails the deployment with the error named, and frees the family for its next request', async () => {
    const family = uniqueFamily();
    await h.deployInitial(family);
    const v2 = uniqueVersionId();
    await h.deploy(h.request(family, v2, fastOptions({ migratory: false })));
    const failed = await h.waitForPhase(family, v2, ['failed'], 60_000);
    expect(failed.reason).toBe('diachronicRollout failed: RangeError: Invalid time value (step at 50%)');
    expect(failed.endedAt).toBeDefined();

    // The family is free: its next request starts (and fails likewise on this build).
    const v3 = uniqueVersionId();
    expect(await h.deploy(h.request(family, v3, fastOptions({ migratory: false })))).toMatchObject({ outcome: 'started' });
    await h.waitForPhase(family, v3, ['failed'], 60_000);
  });
});

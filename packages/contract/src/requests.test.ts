import { DeploymentRequest, deploymentRequestProblem } from './requests';

const valid: DeploymentRequest = {
  family: 'pay.ments-eu',
  versionId: '3f9c2ab',
  sha: '3f9c2ab'.padEnd(40, '0'),
  environment: 'production',
  options: { dark: true, migratory: false, schedule: [{ percent: 50, pauseMs: 1000 }], sweepIntervalMs: 60_000 },
  requestedBy: { who: 'github:octocat', why: 'deployment to production succeeded' },
  source: { kind: 'github', deliveryId: 'a1b2' },
};

describe('deploymentRequestProblem', () => {
  it('accepts a valid request', () => {
    expect(deploymentRequestProblem(valid)).toBeUndefined();
    expect(deploymentRequestProblem({ ...valid, sha: undefined, environment: undefined, source: { kind: 'manual' } })).toBeUndefined();
    const github = { kind: 'github', deliveryId: 'a1b2', repositoryUrl: 'https://ghe.example.com/acme/orders', deploymentId: 1234567890 };
    expect(deploymentRequestProblem({ ...valid, source: github })).toBeUndefined();
  });

  it.each([
    [{ ...valid, family: 'Pay/ments' }, /^family: must be a family name/],
    [{ ...valid, versionId: 'xyz' }, /^versionId: must be a git sha/],
    [{ ...valid, sha: 'abc' }, /^sha: must be a full lowercase commit sha/],
    [{ ...valid, options: { ...valid.options, dark: 'yes' } }, /^options\.dark: /],
    [{ ...valid, options: { ...valid.options, sweepIntervalMs: 1e12 } }, /^options\.sweepIntervalMs: must be at most 86400000 ms \(a day\)$/],
    [{ ...valid, options: { ...valid.options, drainGuardMs: -1 } }, /^options\.drainGuardMs: must be at least 0 ms$/],
    [{ ...valid, options: { ...valid.options, schedule: [{ percent: 50, pauseMs: 1e9 }] } }, /^options\.schedule\.0\.pauseMs: must be at most/],
    [{ ...valid, options: { ...valid.options, surprise: 1 } }, /^options: Unrecognized key: "surprise"/],
    [{ ...valid, requestedBy: { who: '' } }, /^requestedBy\.who: must name who asked$/],
    [{ ...valid, source: { kind: 'email' } }, /^source\.kind: /],
    [{ ...valid, source: { ...valid.source, repositoryUrl: 'ftp://example.com/acme/orders' } }, /^source\.repositoryUrl: must be the repository's http\(s\) URL$/],
    [{ ...valid, source: { ...valid.source, deploymentId: 1.5 } }, /^source\.deploymentId: /],
    [{ ...valid, source: { ...valid.source, deploymentId: 0 } }, /^source\.deploymentId: /],
    [{ ...valid, extra: true }, /Unrecognized key: "extra"/],
  ])('names the field and the limit: %#', (request, problem) => {
    expect(deploymentRequestProblem(request)).toMatch(problem);
  });
});

import { createHmac } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { WorkflowHandle } from '@temporalio/client';
import { DeploymentOptions, HealthGate, versionTaskQueue, workflowIds } from '@diachronic/contract';
import { abortUpdate, deploymentMemo, promoteUpdate, resumeUpdate } from '@diachronic/contract/temporal';
import { GATE_ACTOR } from '../../src/workflows/gate';
import type { OrderWorkInput } from '../fixtures/unhealthy';
import { Harness, fastOptions, startHarness, uniqueFamily, uniqueVersionId, waitFor } from '../harness';

jest.setTimeout(180_000);

const WEBHOOK_SECRET = 'gate-webhook-test-secret';
const unhealthy = require.resolve('../fixtures/unhealthy');
const tester = { who: 'user:default/tester' };

/**
 * The health gate on the real services: it measures the new version's task queue in Temporal (failed
 * workflows, workflow tasks that keep failing) and asks a webhook, before every rollout step and on its
 * interval, and aborts (or pauses) a deployment whose new version is not healthy.
 */
describe('the health gate', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ gateWebhookSecret: WEBHOOK_SECRET });
  });

  afterAll(async () => {
    await h?.teardown();
  });

  const deployment = (family: string, versionId: string) => h.client.workflow.getHandle(workflowIds.deployment(family, versionId));

  /** v1 deployed, and a worker of v2 (the unhealthy fixture) polling v2's queue. */
  async function familyWithUnhealthyV2() {
    const family = uniqueFamily();
    await h.deployInitial(family);
    const v2 = uniqueVersionId();
    await h.startVersionWorker(family, v2, { workflowsPath: unhealthy });
    return { family, v2 };
  }

  function gated(gate: HealthGate, overrides: Partial<DeploymentOptions> = {}): DeploymentOptions {
    return fastOptions({ migratory: false, gate, ...overrides });
  }

  /** Starts order workflows on a version's queue, `name-i` each; waits until visibility lists them all. */
  async function startOrders(family: string, versionId: string, name: string, inputs: OrderWorkInput[]): Promise<WorkflowHandle[]> {
    const taskQueue = versionTaskQueue(family, versionId);
    const handles = await Promise.all(
      inputs.map((input, i) => h.client.workflow.start('orderWork', { taskQueue, workflowId: `${family}/${name}-${i}`, args: [input] })),
    );
    await waitFor(`visibility to list the ${name} orders`, async () => {
      const { count } = await h.client.workflow.count(`TaskQueue = "${taskQueue}" AND WorkflowId STARTS_WITH "${family}/${name}-"`);
      return count === inputs.length;
    });
    return handles;
  }

  /** Orders that ended (8 fine, 2 failed): what test traffic in dark leaves on the new version. */
  async function endedOrders(family: string, versionId: string, failing: number, fine: number) {
    const handles = await startOrders(family, versionId, 'order', [
      ...Array.from({ length: failing }, (): OrderWorkInput => ({ fail: 'workflow' })),
      ...Array.from({ length: fine }, (): OrderWorkInput => ({})),
    ]);
    await Promise.allSettled(handles.map(handle => handle.result()));
    const taskQueue = versionTaskQueue(family, versionId);
    await waitFor('visibility to see the orders closed', async () => {
      const { count } = await h.client.workflow.count(`TaskQueue = "${taskQueue}" AND ExecutionStatus != "Running"`);
      return count === failing + fine;
    });
  }

  it('aborts before the first step when the workflows that ran on the new version failed, naming them', async () => {
    const { family, v2 } = await familyWithUnhealthyV2();
    await h.deploy(h.request(family, v2, gated({ minSamples: 10, maxFailedPercent: 5, intervalMs: 60_000 }, { dark: true })));
    await h.waitForPhase(family, v2, ['dark']);
    // Test traffic reached v2 while it was dark: 2 of its 10 orders failed.
    await endedOrders(family, v2, 2, 8);
    await deployment(family, v2).executeUpdate(promoteUpdate, { args: [tester] });

    const aborted = await h.waitForPhase(family, v2, ['aborted']);
    expect(aborted.reason).toMatch(
      new RegExp(
        `^aborted by diachronic \\(health gate\\): 2 of 10 workflows on ${versionTaskQueue(family, v2).replace(/[.@]/g, '\\$&')} ` +
          `failed in \\d+ (s|min) \\(20%, limit 5%\\): `,
      ),
    );
    expect(aborted.reason).toContain(`${family}/order-0 failed 'card declined: insufficient funds'`);
    expect(aborted.reason).toContain(`${family}/order-1 failed 'card declined: insufficient funds'`);
    // The first step never happened: live stayed 0%, and the flag says so too.
    expect(aborted.livePercent).toBe(0);
    expect(aborted.step?.index ?? 0).toBe(0);
    expect((await h.version(family, v2))?.livePercent).toBe(0);
    expect(aborted.events.filter(event => event.action === 'abort')).toEqual([expect.objectContaining({ who: GATE_ACTOR })]);
    // Lists show the failure from the memo visibility returns with each row.
    const rows = [];
    for await (const row of h.client.workflow.list({ query: `WorkflowId = "${workflowIds.deployment(family, v2)}"` })) rows.push(row);
    expect(rows).toHaveLength(1);
    expect(rows[0].memo?.[deploymentMemo.gateFailure]).toEqual({
      at: aborted.gate!.evaluations.at(-1)!.at,
      reason: expect.stringMatching(/^2 of 10 workflows on \S+ failed/),
    });
    h.recordHistory('deployment-gate-failure-memo', workflowIds.deployment(family, v2));
    h.recordHistory('rollout-gate-failed', workflowIds.rollout(family, v2));
    const last = aborted.gate!.evaluations.at(-1)!;
    expect(last).toMatchObject({ passed: false, trigger: 'before step', started: 10, failed: 2, workflowTaskFailures: 0 });
    expect(last.failedExamples.map(example => example.workflowId).sort()).toEqual([`${family}/order-0`, `${family}/order-1`]);
  });

  it('passes while too few workflows ran to judge, and says so', async () => {
    const { family, v2 } = await familyWithUnhealthyV2();
    await h.deploy(h.request(family, v2, gated({ minSamples: 10, intervalMs: 60_000 }, { dark: true })));
    await h.waitForPhase(family, v2, ['dark']);
    await endedOrders(family, v2, 1, 2);
    await deployment(family, v2).executeUpdate(promoteUpdate, { args: [tester] });
    const done = await h.waitForPhase(family, v2, ['completed']);
    const evaluations = done.gate!.evaluations;
    // One before each of the two steps.
    expect(evaluations.filter(evaluation => evaluation.trigger === 'before step')).toHaveLength(2);
    expect(evaluations.every(evaluation => evaluation.passed)).toBe(true);
    expect(evaluations[0]).toMatchObject({ started: 3, failed: 1, note: '3 of 10 samples: the failed percentage does not count yet' });
    expect((await deployment(family, v2).describe()).memo?.[deploymentMemo.gateFailure]).toBeUndefined();
  });

  it('aborts on its interval while rolling out when a workflow task keeps failing (an error in the workflow code)', async () => {
    const { family, v2 } = await familyWithUnhealthyV2();
    await h.deploy(
      h.request(family, v2, gated({ intervalMs: 1000 }, { schedule: [{ percent: 10, pauseMs: 120_000 }, { percent: 100, pauseMs: 0 }] })),
    );
    await waitFor('the first step', async () => ((await h.state(family, v2)).step?.index ?? 0) === 1);
    await startOrders(family, v2, 'broken', [{ fail: 'code' }, { wait: true }]);

    const aborted = await h.waitForPhase(family, v2, ['aborted']);
    expect(aborted.reason).toMatch(/^aborted by diachronic \(health gate\): 1 workflow on \S+ failing its workflow task \(limit 0\): /);
    expect(aborted.reason).toContain(`${family}/broken-0 error in workflow code 'Cannot read properties of undefined (reading 'total')'`);
    expect(aborted.livePercent).toBe(0);
    expect((await h.version(family, v2))?.livePercent).toBe(0);
    // It stopped at 10%: the next step never came.
    expect(aborted.step?.percent).toBe(10);
    expect(aborted.gate!.evaluations.at(-1)).toMatchObject({ passed: false, trigger: 'interval', workflowTaskFailures: 1 });
  });

  it('aborts before the next step when a new build does not replay a running workflow (nondeterminism)', async () => {
    const family = uniqueFamily();
    await h.deployInitial(family);
    const v2 = uniqueVersionId();
    // A workflow ran on v2's queue with one build (no cache: every task replays) …
    const before = await h.startVersionWorker(family, v2, { workflowsPath: require.resolve('../fixtures/drifting-before'), maxCachedWorkflows: 0 });
    const drifting = await h.client.workflow.start('drifting', { taskQueue: versionTaskQueue(family, v2), workflowId: `${family}/drifting` });
    await waitFor('its timer to start', async () => (await drifting.describe()).historyLength >= 5);
    await before.stop();
    // … and the build that now serves the queue changed its code without a patch.
    await h.startVersionWorker(family, v2, { workflowsPath: require.resolve('../fixtures/drifting-after') });
    await h.deploy(
      h.request(family, v2, gated({ intervalMs: 1000 }, { schedule: [{ percent: 20, pauseMs: 120_000 }, { percent: 100, pauseMs: 0 }] })),
    );
    await waitFor('the first step', async () => ((await h.state(family, v2)).step?.index ?? 0) === 1);
    await drifting.signal('nudge');

    const aborted = await h.waitForPhase(family, v2, ['aborted']);
    expect(aborted.reason).toContain(`${family}/drifting nondeterminism '`);
    expect(aborted.step?.percent).toBe(20);
    expect((await h.version(family, v2))?.livePercent).toBe(0);
  });

  describe('with a webhook', () => {
    let server: Server;
    let answer: (req: IncomingMessage, res: ServerResponse, body: string) => void;
    const received: Array<{ body: string; signature?: string }> = [];
    let url: string;

    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', chunk => {
          body += chunk;
        });
        req.on('end', () => {
          received.push({ body, signature: req.headers['x-diachronic-signature-256'] as string | undefined });
          answer(req, res, body);
        });
      });
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slo-check`;
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    });

    it('passes on 2xx: each request is signed and carries the deployment and what was measured', async () => {
      answer = (_req, res) => res.writeHead(204).end();
      received.length = 0;
      const { family, v2 } = await familyWithUnhealthyV2();
      await h.deploy(h.request(family, v2, gated({ intervalMs: 60_000, webhook: { url } })));
      const done = await h.waitForPhase(family, v2, ['completed']);
      expect(done.gate!.evaluations.every(evaluation => evaluation.webhook?.passed === true && evaluation.webhook.status === 204)).toBe(true);
      const mine = received.filter(request => JSON.parse(request.body).family === family);
      expect(mine.length).toBeGreaterThanOrEqual(2);
      for (const { body, signature } of mine) {
        expect(signature).toBe(`sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`);
        expect(JSON.parse(body)).toMatchObject({
          family,
          versionId: v2,
          taskQueue: versionTaskQueue(family, v2),
          workflowId: workflowIds.deployment(family, v2),
          phase: 'rolling_out',
          measured: { started: 0, failed: 0, workflowTaskFailures: 0 },
        });
      }
    });

    it('aborts on any other answer, with its body as the reason', async () => {
      answer = (_req, res) => res.writeHead(503, { 'Content-Type': 'text/plain' }).end('error budget exhausted for checkout');
      const { family, v2 } = await familyWithUnhealthyV2();
      await h.deploy(h.request(family, v2, gated({ intervalMs: 60_000, webhook: { url } })));
      const aborted = await h.waitForPhase(family, v2, ['aborted']);
      expect(aborted.reason).toBe('aborted by diachronic (health gate): the webhook check failed: HTTP 503: error budget exhausted for checkout');
    });

    it('aborts when it does not answer in time', async () => {
      answer = () => undefined;
      const { family, v2 } = await familyWithUnhealthyV2();
      await h.deploy(h.request(family, v2, gated({ intervalMs: 60_000, webhook: { url, timeoutMs: 300 } })));
      const aborted = await h.waitForPhase(family, v2, ['aborted']);
      expect(aborted.reason).toBe('aborted by diachronic (health gate): the webhook check failed: no answer within 300 ms');
    });
  });

  it('with policy pause: pauses the rollout instead, asks again after a resume, and an operator decides', async () => {
    const { family, v2 } = await familyWithUnhealthyV2();
    await h.deploy(h.request(family, v2, gated({ minSamples: 4, onFailure: 'pause', intervalMs: 60_000 }, { dark: true })));
    await h.waitForPhase(family, v2, ['dark']);
    await endedOrders(family, v2, 2, 2);
    const handle = deployment(family, v2);
    await handle.executeUpdate(promoteUpdate, { args: [tester] });

    const paused = await waitFor('the rollout to pause', async () => {
      const state = await h.state(family, v2);
      return state.step?.paused ? state : undefined;
    });
    expect(paused.phase).toBe('rolling_out');
    expect(paused.livePercent).toBe(0);
    expect(paused.events.filter(event => event.action === 'pause')).toEqual([
      expect.objectContaining({ who: GATE_ACTOR, why: expect.stringMatching(/^2 of 4 workflows on \S+ failed/) }),
    ]);

    await handle.executeUpdate(resumeUpdate, { args: [tester] });
    // Still unhealthy: the gate is asked again before the step and pauses it again.
    const pausedAgain = await waitFor('the second pause', async () => {
      const state = await h.state(family, v2);
      return state.events.filter(event => event.action === 'pause').length === 2 && state.step?.paused ? state : undefined;
    });
    expect(pausedAgain.gate!.evaluations.filter(evaluation => !evaluation.passed)).toHaveLength(2);
    expect(pausedAgain.livePercent).toBe(0);

    await handle.executeUpdate(abortUpdate, { args: [{ ...tester, why: 'v2 declines cards' }] });
    expect((await h.waitForPhase(family, v2, ['aborted'])).reason).toBe('aborted by user:default/tester: v2 declines cards');
    h.recordHistory('rollout-gate-paused', workflowIds.rollout(family, v2));
  });

  it('with policy pause: holds a migration, which tells no one more until resumed', async () => {
    const family = uniqueFamily();
    const v1 = await h.deployInitial(family);
    // Old workflows that take a minute to move once told: the migration keeps migrating meanwhile.
    const sleepers = await h.startSleepers(family, v1, 3, 60_000);
    const v2 = uniqueVersionId();
    await h.startVersionWorker(family, v2, { workflowsPath: unhealthy });
    await h.deploy(
      h.request(
        family,
        v2,
        fastOptions({ migratory: true, schedule: [{ percent: 100, pauseMs: 0 }], gate: { onFailure: 'pause', intervalMs: 1000 } }),
      ),
    );
    await h.waitForPhase(family, v2, ['migrating']);
    await startOrders(family, v2, 'broken', [{ fail: 'code' }]);

    const held = await waitFor('the migration to be held', async () => {
      const state = await h.state(family, v2);
      return state.migration?.held ? state : undefined;
    });
    expect(held.phase).toBe('migrating');
    expect(held.events.find(event => event.action === 'hold')).toMatchObject({ who: GATE_ACTOR });
    // A sweep under way when the hold came still reports; after it, none runs (they run every 300 ms otherwise).
    await new Promise(resolve => setTimeout(resolve, 1000));
    const lastSweepAt = (await h.state(family, v2)).migration?.lastSweepAt;
    await new Promise(resolve => setTimeout(resolve, 1500));
    expect((await h.state(family, v2)).migration).toMatchObject({ held: true, lastSweepAt });

    const resumed = await deployment(family, v2).executeUpdate(resumeUpdate, { args: [tester] });
    expect(resumed.migration?.held).toBeUndefined();
    expect(resumed.events.at(-1)).toMatchObject({ who: tester.who, action: 'resume', detail: 'the migration sweeps again' });
    // Sweeps run again; the version is still unhealthy, so the gate holds the migration again.
    await waitFor('the migration to sweep and be held again', async () => {
      const state = await h.state(family, v2);
      return state.events.filter(event => event.action === 'hold').length === 2 && state.migration!.lastSweepAt !== lastSweepAt;
    });

    await deployment(family, v2).executeUpdate(abortUpdate, { args: [{ ...tester, why: 'done testing' }] });
    await h.waitForPhase(family, v2, ['aborted']);
    h.recordHistory('deployment-gate-held-migration', workflowIds.deployment(family, v2));
    h.recordHistory('migration-gate-held', workflowIds.migration(family, v2));
    await h.finish(sleepers);
  });
});

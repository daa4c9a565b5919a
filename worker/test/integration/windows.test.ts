import { DeploymentState, workflowIds } from '@diachronic/contract';
import { abortUpdate, pauseUpdate, resumeUpdate } from '@diachronic/contract/temporal';
import { expectRefused, fastOptions, Harness, startHarness, uniqueFamily, uniqueVersionId, waitFor } from '../harness';

jest.setTimeout(240_000);

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MINUTE = 60_000;
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** A window of one UTC day from `startMs` to `endMs` (minutes, the same day; midnight as 24:00). */
function utcWindow(startMs: number, endMs: number): string {
  const end = new Date(endMs).getUTCDate() === new Date(startMs).getUTCDate() ? hhmm(endMs) : '24:00';
  return `${DAYS[new Date(startMs).getUTCDay()]} ${hhmm(startMs)}-${end} UTC`;
}

/** The next minute boundary at least `leadMs` from now: windows are minute-precise. */
const nextMinute = (leadMs: number) => Math.ceil((Date.now() + leadMs) / MINUTE) * MINUTE;

/**
 * Deploy windows on the real services: a deployment takes rollout steps only inside its windows, waits with
 * the time the next one opens, and holds at its step when one closes; windows computed from now, so the
 * waits are under a minute and a half.
 */
describe('deploy windows', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.teardown();
  });

  const actions = (state: DeploymentState) => state.events.map(event => event.action);

  async function waitsForTheWindowToOpen() {
    const family = uniqueFamily();
    await h.deployInitial(family);
    const v2 = uniqueVersionId();
    const opensAt = nextMinute(15_000);
    await h.deploy(h.request(family, v2, fastOptions({ migratory: false, windows: [utcWindow(opensAt, opensAt + 3 * MINUTE)] })));
    const waiting = await waitFor('the deployment to wait for its window', async () => {
      const state = await h.state(family, v2);
      return state.waitingForWindow ? state : undefined;
    });
    expect(waiting).toMatchObject({ phase: 'rolling_out', livePercent: 0, waitingForWindow: { opensAt: new Date(opensAt).toISOString() } });
    expect(waiting.events.at(-1)).toMatchObject({
      who: 'diachronic (deploy window)',
      action: 'waiting for window',
      detail: `steps and waves hold until the deploy window opens at ${new Date(opensAt).toISOString()}`,
    });
    expect(await h.version(family, v2)).toMatchObject({ livePercent: 0 });

    const done = await h.waitForPhase(family, v2, ['completed'], 150_000);
    h.recordHistory('deployment-window-waited', workflowIds.deployment(family, v2));
    expect(done.waitingForWindow).toBeUndefined();
    const opened = done.events.find(event => event.action === 'window open')!;
    expect(Date.parse(opened.at)).toBeGreaterThanOrEqual(opensAt);
    expect(actions(done).indexOf('window open')).toBeLessThan(actions(done).indexOf('rollout completed'));
    return done;
  }

  async function holdsAtItsStepWhenTheWindowCloses() {
    // A window of one UTC day must not straddle midnight: close to it, start just after.
    const toMidnight = MINUTE * 24 * 60 - (Date.now() % (MINUTE * 24 * 60));
    if (toMidnight < 3 * MINUTE) await new Promise(resolve => setTimeout(resolve, toMidnight + 1000));
    const family = uniqueFamily();
    await h.deployInitial(family);
    const v2 = uniqueVersionId();
    const closesAt = nextMinute(20_000);
    const opensFrom = closesAt - 2 * MINUTE;
    const slow = fastOptions({
      migratory: false,
      schedule: [
        { percent: 10, pauseMs: 10 * MINUTE },
        { percent: 100, pauseMs: 0 },
      ],
      windows: [utcWindow(opensFrom, closesAt)],
    });
    await h.deploy(h.request(family, v2, slow));
    await waitFor('the first step', async () => (await h.state(family, v2)).step?.percent === 10);

    const held = await waitFor(
      'the window to close',
      async () => {
        const state = await h.state(family, v2);
        return state.waitingForWindow ? state : undefined;
      },
      { timeoutMs: 120_000 },
    );
    // The same window a week later.
    expect(held.waitingForWindow).toEqual({ opensAt: new Date(opensFrom + 7 * 24 * 60 * MINUTE).toISOString() });
    expect(held.step).toMatchObject({ percent: 10, paused: true });
    expect(held.livePercent).toBe(10);

    const handle = h.client.workflow.getHandle(workflowIds.deployment(family, v2));
    await expectRefused(
      handle.executeUpdate(resumeUpdate, { args: [{ who: 'user:default/ops' }] }),
      /^resume refused: nothing is paused: the deployment waits until the deploy window opens at /,
    );
    // A person's pause outlives the window: a resume ends it, and the deployment still waits for the window.
    await handle.executeUpdate(pauseUpdate, { args: [{ who: 'user:default/ops', why: 'incident' }] });
    const resumed = await handle.executeUpdate(resumeUpdate, { args: [{ who: 'user:default/ops' }] });
    expect(resumed.events.at(-1)).toMatchObject({ action: 'resume', detail: expect.stringMatching(/^steps and waves hold until the deploy window opens at /) });
    expect(resumed.step?.paused).toBe(true);
    await handle.executeUpdate(abortUpdate, { args: [{ who: 'user:default/ops', why: 'test over' }] });
    const aborted = await h.waitForPhase(family, v2, ['aborted']);
    h.recordHistory('deployment-window-closed', workflowIds.deployment(family, v2));
    return aborted;
  }

  it('takes steps only inside the windows: waits for one to open, holds at its step when one closes', async () => {
    const [opened, closed] = await Promise.all([waitsForTheWindowToOpen(), holdsAtItsStepWhenTheWindowCloses()]);
    expect(actions(opened)).toEqual(expect.arrayContaining(['waiting for window', 'window open', 'rollout completed']));
    expect(actions(closed)).toEqual(expect.arrayContaining(['waiting for window', 'pause', 'resume', 'abort']));
  });
});

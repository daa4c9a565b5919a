import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { workflowTypes } from '@diachronic/contract';

jest.setTimeout(60_000);

const historiesDir = join(__dirname, '..', 'histories');
const histories = readdirSync(historiesDir)
  .filter(name => name.endsWith('.json'))
  .sort();

/**
 * Every change to a released workflow must keep replaying the histories recorded from it. Recorded by
 * `DIACHRONIC_RECORD_HISTORIES=1 npm test -- worker/test/integration/deployment` (see worker/README.md).
 */
describe('replaying recorded histories against the current workflow code', () => {
  beforeAll(() => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  });

  it('has a recorded history for every workflow type', () => {
    const types = histories.map(name => {
      const history = historyFromJSON(JSON.parse(readFileSync(join(historiesDir, name), 'utf8')));
      return history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
    });
    expect(new Set(types)).toEqual(
      new Set(Object.values(workflowTypes)),
    );
  });

  it.each(histories)('replays %s without nondeterminism', async name => {
    const history = historyFromJSON(JSON.parse(readFileSync(join(historiesDir, name), 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowsPath: require.resolve('../../src/workflows') }, history, name),
    ).resolves.toBeUndefined();
  });
});

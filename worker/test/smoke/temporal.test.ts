import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import searchAttributes from '@diachronic/contract/search-attributes.json';
import { testServices } from '@diachronic/test-utils';
import { closedConnectionGuard } from '@diachronic/temporal-connection';
import { createSmokeActivities } from './activities';

// Worker.create bundles the workflow code first: seconds on a busy machine, more than jest's default 5 s.
jest.setTimeout(60_000);

describe('the Temporal dev server started by the repo scripts', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createFromExistingServer({
      address: testServices().temporalAddress,
      plugins: [closedConnectionGuard],
    });
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow and its activity on a real worker', async () => {
    const taskQueue = `smoke-${process.pid}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities: createSmokeActivities(),
    });
    const result = await worker.runUntil(
      env.client.workflow.execute('smokeWorkflow', {
        taskQueue,
        workflowId: `smoke/${process.pid}`,
        args: ['diachronic'],
      }),
    );
    expect(result).toBe(`hello, DIACHRONIC from ${taskQueue}`);
  });

  it("registered Diachronic's search attributes", async () => {
    const { customAttributes } = await env.connection.operatorService.listSearchAttributes({
      namespace: env.namespace ?? 'default',
    });
    expect(Object.keys(customAttributes ?? {})).toEqual(expect.arrayContaining(Object.keys(searchAttributes)));
  });
});

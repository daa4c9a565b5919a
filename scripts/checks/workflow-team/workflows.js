// A workflow team's migratable workflow, written against the published @diachronic/migrate only.
const { defineQuery, defineSignal, setHandler, workflowInfo } = require('@temporalio/workflow');
const { isMigration, migratable, receiveMigratedState } = require('@diachronic/migrate');

const closeSignal = defineSignal('close');
const ticketQuery = defineQuery('ticket');

async function ticket(input) {
  const state = isMigration(input)
    ? receiveMigratedState(input)
    : { id: input.id, queues: [], closeRequested: false };
  state.queues.push(workflowInfo().taskQueue);
  const migration = migratable({ input, exportState: () => state });
  setHandler(closeSignal, () => {
    state.closeRequested = true;
  });
  setHandler(ticketQuery, () => state);
  // Waits until the ticket is closed; a migrate signal moves it from here, with its state.
  await migration.waitFor(() => state.closeRequested);
  return state;
}

module.exports = { ticket };
